package dev.loomwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loomwire.testing.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Source checks for the rules a green test run cannot otherwise see: nothing in
 * {@code src/main/java} may pin a virtual thread's carrier ({@code synchronized},
 * {@code Object.wait/notify}), cache in a {@code ThreadLocal}, change global JSSE state, or print
 * outside the command-line package.
 */
class HouseRulesTest {
    private static final Path MAIN = TestCerts.baseDir().resolve("src/main/java");

    private record Rule(String why, Pattern pattern, String exemptPackageDir) {}

    private static final List<Rule> RULES = List.of(
            new Rule("'synchronized' pins the carrier on JDK 21-23: use a ReentrantLock",
                    Pattern.compile("\\bsynchronized\\b"), null),
            new Rule("Object.wait/notify need a monitor: use a Condition",
                    Pattern.compile("\\.(wait|notify|notifyAll)\\(\\s*\\)|(^|[^.\\w])(wait|notify|notifyAll)\\(\\s*\\)"), null),
            new Rule("no ThreadLocal caches: virtual threads are many and short-lived",
                    Pattern.compile("\\bThreadLocal\\b"), null),
            new Rule("global JSSE state must stay untouched",
                    Pattern.compile("SSLContext\\.setDefault|HttpsURLConnection\\.setDefault|setProperty\\(\\s*\"javax\\.net\\.ssl"), null),
            new Rule("library code logs through SLF4J or throws; only the CLI prints",
                    Pattern.compile("System\\.(out|err)\\b|printStackTrace\\("), "dev/loomwire/cli/"));

    @Test
    void mainSourcesKeepTheVirtualThreadAndTlsRules() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String rel = MAIN.relativize(file).toString().replace('\\', '/');
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String code = withoutComment(lines.get(i));
                    for (Rule rule : RULES) {
                        boolean exempt = rule.exemptPackageDir() != null && rel.startsWith(rule.exemptPackageDir());
                        if (!exempt && rule.pattern().matcher(code).find()) {
                            violations.add(rel + ":" + (i + 1) + ": " + rule.why() + "\n    " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertEquals("", String.join("\n", violations));
    }

    /** Layering: the codec packages know bytes only, never the driver above them (no package cycle). */
    @Test
    void codecPackagesDoNotDependOnTheirDrivers() throws IOException {
        List<String> violations = new ArrayList<>();
        violations.addAll(uses("dev/loomwire/redis/resp", "dev\\.loomwire\\.redis\\.(?!resp\\b)"));
        violations.addAll(uses("dev/loomwire/pg/protocol", "dev\\.loomwire\\.pg\\.(?!protocol\\b)"));
        assertEquals("", String.join("\n", violations), "codec packages must not use their driver package");
    }

    /** Layering: the exception model sits at the bottom next to tls and net; it knows no driver, pool or front end. */
    @Test
    void theErrorPackageKnowsOnlyTheLayersBelow() throws IOException {
        List<String> violations = uses("dev/loomwire/error",
                "dev\\.loomwire\\.(pg|redis|pool|jdbc|spring|cli|testcontainers)\\b");
        assertEquals("", String.join("\n", violations), "dev.loomwire.error must not use the layers above it");
    }

    /** The lines of the package in {@code dir} (outside comments) that match {@code regex}. */
    private static List<String> uses(String dir, String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(MAIN.resolve(dir))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (pattern.matcher(withoutComment(lines.get(i))).find()) {
                        found.add(MAIN.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        return found;
    }

    @Test
    void theCheckSeesTheSources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            assertFalse(files.filter(p -> p.toString().endsWith(".java")).toList().isEmpty(), "no sources under " + MAIN);
        }
    }

    /** Drops a trailing line comment and the text of Javadoc/block-comment lines. */
    private static String withoutComment(String line) {
        String t = line.strip();
        if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) {
            return "";
        }
        int c = line.indexOf("//");
        return c >= 0 ? line.substring(0, c) : line;
    }
}
