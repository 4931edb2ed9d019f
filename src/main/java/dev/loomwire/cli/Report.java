package dev.loomwire.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a probe found, in the order it found it: phases with timings, the server's certificate
 * chain, a verdict per verification mode, and the result for the mode the user asked for. Rendered
 * as plain text or JSON; holds no secrets (the probe never puts passwords or key bytes in it).
 */
final class Report {
    /** How a phase went. */
    enum Status { OK, WARN, FAIL, INFO }

    /**
     * One step of the probe: {@code millis} is null for steps without a meaningful duration;
     * {@code details} are shown in text and JSON, {@code data} (machine-friendly repeats of the
     * summary) in JSON only.
     */
    record Phase(String name, Double millis, Status status, String summary, Map<String, Object> details,
                 Map<String, Object> data) {}

    /** Would this verification mode succeed, and why not. */
    record Verdict(String mode, boolean ok, String reason) {}

    final String title;
    final Map<String, Object> target = new LinkedHashMap<>();
    final List<Phase> phases = new ArrayList<>();
    final List<Map<String, Object>> chain = new ArrayList<>();
    String chainTitle = "server certificate chain, as sent";
    String trustDescription;
    final List<Verdict> verdicts = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    String requestedMode;
    boolean success;
    String conclusion;

    Report(String title) {
        this.title = title;
    }

    Phase phase(String name, Double millis, Status status, String summary) {
        Phase p = new Phase(name, millis, status, summary, new LinkedHashMap<>(), new LinkedHashMap<>());
        phases.add(p);
        return p;
    }

    /** Milliseconds since {@code startNanos}. */
    static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }

    Verdict verdict(String mode) {
        for (Verdict v : verdicts) {
            if (v.mode().equals(mode)) {
                return v;
            }
        }
        return null;
    }

    /** Makes a failure's conclusion start with what was requested, e.g. "sslmode=verify-full would FAIL: ". */
    void concludeFailure(String requested) {
        if (!success && conclusion != null && !conclusion.startsWith(requested)) {
            conclusion = requested + " would FAIL: " + conclusion;
        }
    }

    int exitCode() {
        return success ? 0 : 1;
    }

    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("probe", title);
        root.put("target", target);
        List<Object> ps = new ArrayList<>();
        for (Phase p : phases) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("ms", p.millis());
            m.put("status", p.status().name().toLowerCase(Locale.ROOT));
            m.put("summary", p.summary());
            m.putAll(p.data());
            m.putAll(p.details());
            ps.add(m);
        }
        root.put("phases", ps);
        root.put("chain", chain);
        Map<String, Object> verification = new LinkedHashMap<>();
        verification.put("trust", trustDescription);
        List<Object> vs = new ArrayList<>();
        for (Verdict v : verdicts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", v.mode());
            m.put("ok", v.ok());
            m.put("reason", v.reason());
            vs.add(m);
        }
        verification.put("modes", vs);
        root.put("verification", verification);
        root.put("warnings", warnings);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("mode", requestedMode);
        result.put("ok", success);
        result.put("exit_code", exitCode());
        result.put("message", conclusion);
        root.put("result", result);
        return root;
    }

    String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("loomwire probe: ").append(title).append('\n');
        for (Map.Entry<String, Object> e : target.entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-14s %s%n", e.getKey(), e.getValue()));
        }
        sb.append('\n');
        for (Phase p : phases) {
            String ms = p.millis() == null ? "" : String.format(Locale.ROOT, "%.1f ms", p.millis());
            sb.append(String.format(Locale.ROOT, "%-6s %-14s %10s  %s%n", tag(p.status()), p.name(), ms, p.summary()));
            for (Map.Entry<String, Object> d : p.details().entrySet()) {
                sb.append(String.format(Locale.ROOT, "%34s%s: %s%n", "", d.getKey(), text(d.getValue())));
            }
        }
        if (!chain.isEmpty()) {
            sb.append('\n').append(chainTitle).append(" (").append(chain.size()).append(chain.size() == 1 ? " certificate" : " certificates")
                    .append("):\n");
            int i = 0;
            for (Map<String, Object> c : chain) {
                sb.append("  [").append(i++).append("] ").append(c.get("subject")).append('\n');
                for (Map.Entry<String, Object> e : c.entrySet()) {
                    if (!e.getKey().equals("subject")) {
                        sb.append(String.format(Locale.ROOT, "      %-10s %s%n", e.getKey(), text(e.getValue())));
                    }
                }
            }
        }
        if (!verdicts.isEmpty()) {
            sb.append("\nverification").append(trustDescription == null ? "" : " (trust: " + trustDescription + ")").append(":\n");
            for (Verdict v : verdicts) {
                sb.append(String.format(Locale.ROOT, "  %-12s %-4s %s%s%n", v.mode(), v.ok() ? "OK" : "FAIL",
                        v.mode().equals(requestedMode) ? "(requested) " : "", v.reason() == null ? "" : "— " + v.reason()));
            }
        }
        if (!warnings.isEmpty()) {
            sb.append('\n');
            for (String w : warnings) {
                sb.append("warning: ").append(w).append('\n');
            }
        }
        sb.append("\nresult: ").append(conclusion).append(" (exit ").append(exitCode()).append(")\n");
        return sb.toString();
    }

    private static String tag(Status s) {
        return switch (s) {
            case OK -> "[ok]";
            case WARN -> "[!!]";
            case FAIL -> "[FAIL]";
            case INFO -> "[--]";
        };
    }

    private static String text(Object v) {
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(String.valueOf(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }
}
