import dev.loomwire.pg.PgConnection;
import dev.loomwire.redis.RedisConnection;

/**
 * Script-style use: one URL, one statement, print, exit. The whole program is the two
 * try-with-resources lines below; everything else (TLS, verification, passwords, ~/.pgpass,
 * PG* variables) comes from the URL or conninfo string and the environment.
 *
 * <pre>
 * java -cp target/classes:slf4j-api.jar examples/OneLiner.java \
 *     'postgresql://me@db.example.com/app?sslmode=verify-full&sslrootcert=ca.crt' 'SELECT now()'
 * java -cp target/classes:slf4j-api.jar examples/OneLiner.java \
 *     'rediss://redis.example.com:6380?sslrootcert=ca.crt' INCR visits
 * </pre>
 * PostgreSQL: rows are printed with columns separated by "|". Redis: the reply is printed.
 * Defaults: {@code SELECT version()} and {@code PING}.
 */
public class OneLiner {
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: OneLiner <postgresql conninfo or URI> [SQL] | <redis[s]:// URI> [command args...]");
            System.exit(2);
        }
        String url = args[0];
        try {
            if (url.startsWith("redis://") || url.startsWith("rediss://")) {
                String[] command = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[] {"PING"};
                try (var redis = RedisConnection.connect(url)) { System.out.println(redis.command(command)); }
            } else {
                String sql = args.length > 1 ? args[1] : "SELECT version()";
                try (var db = PgConnection.connect(url)) {
                    db.query(sql).forEach(row -> System.out.println(String.join("|", java.util.stream.IntStream.range(0, row.size())
                            .mapToObj(i -> row.isNull(i) ? "" : row.getString(i)).toList())));
                }
            }
        } catch (RuntimeException e) {
            System.err.println("OneLiner: " + e.getMessage());
            System.exit(1);
        }
    }
}
