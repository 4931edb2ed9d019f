package dev.loomwire.pg;

import dev.loomwire.pg.PgSslModeMatrixTest.Certs;
import dev.loomwire.testcontainers.TlsPostgresContainer;
import dev.loomwire.testing.Containers;
import dev.loomwire.testing.PgServer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PgSslModeMatrixTest}'s libpq truth table once more, against PostgreSQL in a
 * {@link TlsPostgresContainer}: its generated CA is the right one, the harness' other-ca.crt the
 * wrong one, and pg_hba.conf gives loomwire, ssldb and plaindb the same host/hostssl/hostnossl rules.
 */
class PgSslModeMatrixInDockerTest {
    private static TlsPostgresContainer pg;

    @BeforeAll
    static void startContainer() {
        pg = Containers.start(Containers.postgres()
                .withUsername(PgServer.USER).withPassword(PgServer.PASSWORD).withDatabaseName("loomwire")
                .withInitSql("CREATE DATABASE ssldb; CREATE DATABASE plaindb;")
                .withPgHba("hostssl ssldb all all scram-sha-256", "hostnossl plaindb all all scram-sha-256",
                        "host loomwire all all scram-sha-256"));
    }

    @AfterAll
    static void stopContainer() {
        if (pg != null) {
            pg.stop();
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String[] row : PgSslModeMatrixTest.EXPECTED) {
            for (Certs c : Certs.values()) {
                out.add(Arguments.of(row[0], row[1], c, row[2 + c.ordinal()]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "PG in Docker sslmode={0} db={1} {2} -> {3}")
    @MethodSource("cases")
    void outcomeMatchesLibpq(String sslmode, String db, Certs certs, String expected) {
        String conninfo = PgSslModeMatrixTest.conninfo(pg.port(), pg.caCertificateFile().toString(), sslmode, db, certs);
        PgSslModeMatrixTest.assertOutcome(conninfo, sslmode, db, certs, expected);
    }
}
