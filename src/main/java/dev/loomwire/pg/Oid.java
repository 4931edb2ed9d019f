package dev.loomwire.pg;

/** Type OIDs of the built-in PostgreSQL types this driver converts. */
final class Oid {
    static final int UNSPECIFIED = 0;
    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int CHAR = 18;
    static final int NAME = 19;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int OID = 26;
    static final int JSON = 114;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int DATE = 1082;
    static final int TIME = 1083;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int NUMERIC = 1700;
    static final int UUID = 2950;
    static final int JSONB = 3802;

    static final int BOOL_ARRAY = 1000;
    static final int BYTEA_ARRAY = 1001;
    static final int NAME_ARRAY = 1003;
    static final int INT2_ARRAY = 1005;
    static final int INT4_ARRAY = 1007;
    static final int TEXT_ARRAY = 1009;
    static final int BPCHAR_ARRAY = 1014;
    static final int VARCHAR_ARRAY = 1015;
    static final int INT8_ARRAY = 1016;
    static final int FLOAT4_ARRAY = 1021;
    static final int FLOAT8_ARRAY = 1022;
    static final int TIMESTAMP_ARRAY = 1115;
    static final int DATE_ARRAY = 1182;
    static final int TIME_ARRAY = 1183;
    static final int TIMESTAMPTZ_ARRAY = 1185;
    static final int NUMERIC_ARRAY = 1231;
    static final int UUID_ARRAY = 2951;
    static final int JSON_ARRAY = 199;
    static final int JSONB_ARRAY = 3807;

    private Oid() {}

    /** Element type of an array type, or 0 if {@code oid} is not a known array type. */
    static int elementOf(int oid) {
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
            case TIMESTAMP_ARRAY -> TIMESTAMP;
            case DATE_ARRAY -> DATE;
            case TIME_ARRAY -> TIME;
            case TIMESTAMPTZ_ARRAY -> TIMESTAMPTZ;
            case NUMERIC_ARRAY -> NUMERIC;
            case UUID_ARRAY -> UUID;
            case JSON_ARRAY -> JSON;
            case JSONB_ARRAY -> JSONB;
            default -> 0;
        };
    }

    /** Array type of an element type, or 0. */
    static int arrayOf(int elementOid) {
        for (int a : new int[] {BOOL_ARRAY, BYTEA_ARRAY, INT2_ARRAY, INT4_ARRAY, TEXT_ARRAY, VARCHAR_ARRAY,
                INT8_ARRAY, FLOAT4_ARRAY, FLOAT8_ARRAY, TIMESTAMP_ARRAY, DATE_ARRAY, TIME_ARRAY,
                TIMESTAMPTZ_ARRAY, NUMERIC_ARRAY, UUID_ARRAY, JSON_ARRAY, JSONB_ARRAY}) {
            if (elementOf(a) == elementOid) {
                return a;
            }
        }
        return 0;
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
