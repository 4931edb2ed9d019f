package dev.loomwire.pg;

/**
 * Type OIDs of the built-in PostgreSQL types (fixed across servers and versions), their names as
 * {@code pg_type.typname} spells them, and the array/element relation. Types from extensions
 * (hstore, PostGIS...) have per-database OIDs: look those up by name (see {@link PgCodecRegistry}).
 */
public final class Oid {
    public static final int UNSPECIFIED = 0;
    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int JSON = 114;
    public static final int XML = 142;
    public static final int POINT = 600;
    public static final int CIDR = 650;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int UNKNOWN = 705;
    public static final int MONEY = 790;
    public static final int MACADDR = 829;
    public static final int INET = 869;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int DATE = 1082;
    public static final int TIME = 1083;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;
    public static final int INTERVAL = 1186;
    public static final int TIMETZ = 1266;
    public static final int BIT = 1560;
    public static final int VARBIT = 1562;
    public static final int NUMERIC = 1700;
    public static final int VOID = 2278;
    public static final int UUID = 2950;
    public static final int JSONB = 3802;
    public static final int INT4RANGE = 3904;
    public static final int NUMRANGE = 3906;
    public static final int TSRANGE = 3908;
    public static final int TSTZRANGE = 3910;
    public static final int DATERANGE = 3912;
    public static final int INT8RANGE = 3926;

    public static final int BOOL_ARRAY = 1000;
    public static final int BYTEA_ARRAY = 1001;
    public static final int NAME_ARRAY = 1003;
    public static final int INT2_ARRAY = 1005;
    public static final int INT4_ARRAY = 1007;
    public static final int TEXT_ARRAY = 1009;
    public static final int BPCHAR_ARRAY = 1014;
    public static final int VARCHAR_ARRAY = 1015;
    public static final int INT8_ARRAY = 1016;
    public static final int FLOAT4_ARRAY = 1021;
    public static final int FLOAT8_ARRAY = 1022;
    public static final int OID_ARRAY = 1028;
    public static final int INET_ARRAY = 1041;
    public static final int TIMESTAMP_ARRAY = 1115;
    public static final int DATE_ARRAY = 1182;
    public static final int TIME_ARRAY = 1183;
    public static final int TIMESTAMPTZ_ARRAY = 1185;
    public static final int INTERVAL_ARRAY = 1187;
    public static final int NUMERIC_ARRAY = 1231;
    public static final int TIMETZ_ARRAY = 1270;
    public static final int UUID_ARRAY = 2951;
    public static final int JSON_ARRAY = 199;
    public static final int JSONB_ARRAY = 3807;

    private Oid() {}

    /** Element type of an array type, or 0 if {@code oid} is not a known array type. */
    public static int elementOf(int oid) {
        return switch (oid) {
            case BOOL_ARRAY -> BOOL;
            case BYTEA_ARRAY -> BYTEA;
            case NAME_ARRAY -> NAME;
            case INT2_ARRAY -> INT2;
            case INT4_ARRAY -> INT4;
            case TEXT_ARRAY -> TEXT;
            case BPCHAR_ARRAY -> BPCHAR;
            case VARCHAR_ARRAY -> VARCHAR;
            case INT8_ARRAY -> INT8;
            case FLOAT4_ARRAY -> FLOAT4;
            case FLOAT8_ARRAY -> FLOAT8;
            case OID_ARRAY -> OID;
            case INET_ARRAY -> INET;
            case TIMESTAMP_ARRAY -> TIMESTAMP;
            case DATE_ARRAY -> DATE;
            case TIME_ARRAY -> TIME;
            case TIMESTAMPTZ_ARRAY -> TIMESTAMPTZ;
            case INTERVAL_ARRAY -> INTERVAL;
            case NUMERIC_ARRAY -> NUMERIC;
            case TIMETZ_ARRAY -> TIMETZ;
            case UUID_ARRAY -> UUID;
            case JSON_ARRAY -> JSON;
            case JSONB_ARRAY -> JSONB;
            default -> 0;
        };
    }

    private static final int[] ARRAYS = {BOOL_ARRAY, BYTEA_ARRAY, INT2_ARRAY, INT4_ARRAY, TEXT_ARRAY, VARCHAR_ARRAY,
        INT8_ARRAY, FLOAT4_ARRAY, FLOAT8_ARRAY, TIMESTAMP_ARRAY, DATE_ARRAY, TIME_ARRAY, TIMESTAMPTZ_ARRAY,
        NUMERIC_ARRAY, UUID_ARRAY, JSON_ARRAY, JSONB_ARRAY, NAME_ARRAY, BPCHAR_ARRAY, OID_ARRAY, INET_ARRAY,
        INTERVAL_ARRAY, TIMETZ_ARRAY};

    /** Array type of an element type, or 0. */
    public static int arrayOf(int elementOid) {
        for (int a : ARRAYS) {
            if (elementOf(a) == elementOid) {
                return a;
            }
        }
        return 0;
    }

    /**
     * The type's {@code pg_type.typname} for the built-in types above ("int4", "varchar",
     * "_int4" for int4[]...), or "unknown" for any other OID (look it up in pg_type).
     */
    public static String typeName(int oid) {
        int elem = elementOf(oid);
        if (elem != 0) {
            return "_" + typeName(elem);
        }
        return switch (oid) {
            case BOOL -> "bool";
            case BYTEA -> "bytea";
            case CHAR -> "char";
            case NAME -> "name";
            case INT8 -> "int8";
            case INT2 -> "int2";
            case INT4 -> "int4";
            case TEXT -> "text";
            case OID -> "oid";
            case JSON -> "json";
            case XML -> "xml";
            case POINT -> "point";
            case CIDR -> "cidr";
            case FLOAT4 -> "float4";
            case FLOAT8 -> "float8";
            case MONEY -> "money";
            case MACADDR -> "macaddr";
            case INET -> "inet";
            case BPCHAR -> "bpchar";
            case VARCHAR -> "varchar";
            case DATE -> "date";
            case TIME -> "time";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMPTZ -> "timestamptz";
            case INTERVAL -> "interval";
            case TIMETZ -> "timetz";
            case BIT -> "bit";
            case VARBIT -> "varbit";
            case NUMERIC -> "numeric";
            case VOID -> "void";
            case UUID -> "uuid";
            case JSONB -> "jsonb";
            case INT4RANGE -> "int4range";
            case NUMRANGE -> "numrange";
            case TSRANGE -> "tsrange";
            case TSTZRANGE -> "tstzrange";
            case DATERANGE -> "daterange";
            case INT8RANGE -> "int8range";
            default -> "unknown";
        };
    }

    /** Whether values of this type are decoded from the binary format (numeric stays text: exact and simple). */
    static boolean binaryDecodable(int oid) {
        return switch (oid) {
            case BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, TEXT, OID, JSON, FLOAT4, FLOAT8, BPCHAR, VARCHAR,
                 DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID, JSONB -> true;
            default -> {
                int e = elementOf(oid);
                yield e != 0 && e != NUMERIC && binaryDecodable(e);
            }
        };
    }
}
