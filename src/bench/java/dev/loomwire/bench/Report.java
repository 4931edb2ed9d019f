package dev.loomwire.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes target/bench/report.md (tables, ratios, targets) and report.svg (a bar chart of the ratios). */
final class Report {
    private final List<Result> results;
    private final List<Target> targets;
    private final List<String> header;
    private final List<String> notes;

    Report(List<Result> results, List<Target> targets, List<String> header, List<String> notes) {
        this.results = results;
        this.targets = targets;
        this.header = header;
        this.notes = notes;
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f×", r);
    }

    Optional<Result> find(Scenario s, String mode, String driver) {
        return results.stream().filter(r -> r.scenario() == s && r.mode().equals(mode) && r.driver().equals(driver) && r.measured())
                .findFirst();
    }

    /** loomwire ÷ peer (or loomwire − peer) in the target's metric, NaN if either side is missing or has no such number. */
    double value(Target t) {
        Optional<Result> l = find(t.scenario(), t.mode(), t.self());
        Optional<Result> p = find(t.scenario(), t.peerMode(), t.peer());
        if (l.isEmpty() || p.isEmpty()) {
            return Double.NaN;
        }
        double self = t.metric().of(l.get());
        double peer = t.metric().of(p.get());
        return t.difference() ? self - peer : self / peer;
    }

    String verdict(Target t) {
        if (t.pendingReason() != null) {
            return "not measured: " + t.pendingReason();
        }
        double v = value(t);
        if (Double.isNaN(v)) {
            return "not measured (a side failed; see the table)";
        }
        boolean met = t.atLeast() ? v >= t.threshold() : v <= t.threshold();
        String unit = switch (t.metric()) {
            case MEDIAN -> " " + t.scenario().unit();
            case CPU -> " µs/op";
            case BYTES -> " B/op";
        };
        double self = t.metric().of(find(t.scenario(), t.mode(), t.self()).orElseThrow());
        double peer = t.metric().of(find(t.scenario(), t.peerMode(), t.peer()).orElseThrow());
        if (t.difference()) {
            return (met ? "**met**" : "**missed**") + ": " + number(v) + unit + " (target " + (t.atLeast() ? "≥ " : "≤ ") + number(t.threshold())
                    + unit + "; " + number(self) + unit + " − " + number(peer) + unit + ")";
        }
        return (met ? "**met**" : "**missed**") + ": " + ratio(v) + " (target " + (t.atLeast() ? "≥ " : "≤ ") + ratio(t.threshold())
                + "; " + number(self) + unit + " vs " + number(peer) + unit + ")";
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown());
        Files.writeString(dir.resolve("report.svg"), svg());
        StringBuilder csv = new StringBuilder("group,scenario,mode,driver,unit,median,p99_us,cpu_us_per_op,bytes_per_op,reps,note\n");
        for (Result r : results) {
            csv.append(String.join(",", r.scenario().group(), q(r.scenario().title()), r.mode(), q(r.driver()), r.scenario().unit(),
                    Double.toString(r.median()), Double.toString(r.p99Micros()), Double.toString(r.cpuMicrosPerOp()),
                    Double.toString(r.bytesPerOp()), Integer.toString(r.reps()), q(r.note()))).append('\n');
        }
        Files.writeString(dir.resolve("results.csv"), csv);
    }

    /** loomwire ÷ peer for the median, and for CPU and bytes per operation where both sides have them. */
    private static String ratios(Result loomwire, Result peer) {
        StringBuilder cell = new StringBuilder(ratio(loomwire.median() / peer.median()));
        double cpu = loomwire.cpuMicrosPerOp() / peer.cpuMicrosPerOp();
        double bytes = loomwire.bytesPerOp() / peer.bytesPerOp();
        if (!Double.isNaN(cpu)) {
            cell.append(" · CPU ").append(ratio(cpu));
        }
        if (!Double.isNaN(bytes)) {
            cell.append(" · B ").append(ratio(bytes));
        }
        return cell.toString();
    }

    private static String q(String s) {
        return "\"" + (s == null ? "" : s.replace("\"", "\"\"")) + "\"";
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# loomwire benchmark report\n\n");
        header.forEach(h -> md.append(h).append('\n'));
        md.append("\nEach number is the median over the repetitions; p99 is the median over the repetitions of the")
                .append(" 99th-percentile latency per operation (per batch for pipelines). **loomwire ÷ peer** divides")
                .append(" loomwire's median by that row's: below 1 is better for µs and KiB, above 1 is better for /s.\n\n")
                .append("**CPU µs/op** is the client JVM's process CPU time (all its threads: callers, the drivers' readers,")
                .append(" Netty's event loops, GC, JIT) and **B/op** the heap bytes allocated by all its threads")
                .append(" (ThreadMXBean.getTotalThreadAllocatedBytes), both over the timed loop of a repetition divided by its")
                .append(" operations, median over the repetitions. An operation is one timed call in latency rows and one unit of")
                .append(" the rate in throughput rows (per row for rows/s, per GET for GET/s, per MB for MB/s); in the same cell")
                .append(" `CPU` and `B` give loomwire ÷ peer for them (below 1 is better). `-`: measured in another process")
                .append(" (pgbench, redis-benchmark). The servers run in their own processes and are not counted.\n\n");
        Map<String, List<Result>> byGroup = new LinkedHashMap<>();
        for (Result r : results) {
            byGroup.computeIfAbsent(r.scenario().group(), g -> new ArrayList<>()).add(r);
        }
        for (var e : byGroup.entrySet()) {
            md.append("## ").append(switch (e.getKey()) {
                case "redis" -> "Redis";
                case "cluster" -> "Redis Cluster (TLS)";
                case "pg" -> "PostgreSQL";
                case "tls" -> "TLS alone";
                default -> e.getKey();
            }).append("\n\n| Scenario | Mode | Driver | Median | p99 µs | CPU µs/op | B/op | loomwire ÷ peer | Reps | Note |\n")
                    .append("|---|---|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (Result r : e.getValue()) {
                String ratioCell = "";
                if (!r.driver().equals(RedisSuite.LOOMWIRE) && r.measured()) {
                    Optional<Result> l = find(r.scenario(), r.mode(), RedisSuite.LOOMWIRE);
                    ratioCell = l.map(x -> ratios(x, r)).orElse("");
                } else if (r.driver().equals(RedisSuite.LOOMWIRE) && r.mode().equals("TLS") && r.measured()) {
                    Optional<Result> plain = find(r.scenario(), "plain", RedisSuite.LOOMWIRE);
                    ratioCell = plain.map(x -> "TLS÷plain " + ratio(r.median() / x.median())).orElse("");
                }
                md.append("| ").append(r.scenario().title()).append(" | ").append(r.mode()).append(" | ")
                        .append(r.driver().equals(RedisSuite.LOOMWIRE) ? "**loomwire**" : r.driver()).append(" | ")
                        .append(r.measured() ? number(r.median()) + " " + r.scenario().unit() : "failed").append(" | ")
                        .append(number(r.p99Micros())).append(" | ").append(number(r.cpuMicrosPerOp())).append(" | ")
                        .append(number(r.bytesPerOp())).append(" | ").append(ratioCell).append(" | ").append(r.reps()).append(" | ")
                        .append(r.note() == null ? "" : r.note().replace("|", "/")).append(" |\n");
            }
            md.append('\n');
        }
        md.append("## Targets (issues 6, 10, 11 and 12)\n\n| Target | Result |\n|---|---|\n");
        for (Target t : targets) {
            md.append("| ").append(t.text()).append(" | ").append(verdict(t)).append(" |\n");
        }
        md.append('\n');
        if (!notes.isEmpty()) {
            md.append("## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append("\nChart: `report.svg` (loomwire's advantage per row; right of the 1.0 line = loomwire better). Raw rows: `results.csv`.\n");
        return md.toString();
    }

    /** One bar per peer row: loomwire's advantage (peer time ÷ loomwire time, or loomwire rate ÷ peer rate). */
    String svg() {
        record Bar(String label, double advantage) {}
        List<Bar> bars = new ArrayList<>();
        for (Result r : results) {
            if (r.driver().equals(RedisSuite.LOOMWIRE) || !r.measured()) {
                continue;
            }
            Optional<Result> l = find(r.scenario(), r.mode(), RedisSuite.LOOMWIRE);
            if (l.isEmpty()) {
                continue;
            }
            double adv = r.scenario().higherIsBetter() ? l.get().median() / r.median() : r.median() / l.get().median();
            bars.add(new Bar(r.scenario().title() + " [" + r.mode() + "] vs " + r.driver(), adv));
        }
        for (Target t : targets) {
            if (t.peerMode() != null && !t.peerMode().equals(t.mode()) && t.pendingReason() == null && !t.difference()) {
                double v = value(t);
                if (!Double.isNaN(v)) {
                    bars.add(new Bar(t.scenario().title() + ": loomwire plain µs ÷ TLS µs", 1 / v));
                }
            }
        }
        double span = 4; // log2 range each side of 1.0x: 1/16x .. 16x
        int labelW = 430, plotW = 560, rowH = 22, top = 60;
        int height = top + bars.size() * rowH + 40;
        int width = labelW + plotW + 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">loomwire vs peers: advantage per scenario (same run, medians, log scale)</text>\n");
        s.append("<text x=\"10\" y=\"42\" fill=\"#555\">bar = peer µs ÷ loomwire µs, or loomwire rate ÷ peer rate; green, right of 1×: loomwire better; red, left: peer better</text>\n");
        double half = plotW / 2.0;
        double x1 = labelW + half;
        int bottom = top + bars.size() * rowH;
        for (int k = (int) -span; k <= span; k++) {
            double x = x1 + k / span * half;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"/>\n",
                    x, top, x, bottom, k == 0 ? "#000" : "#ddd", k == 0 ? "1.5" : "1"));
            String tick = k >= 0 ? (1 << k) + "×" : "1/" + (1 << -k) + "×";
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n", x, bottom + 16, tick));
        }
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = top + i * rowH;
            double l = Math.max(-span, Math.min(span, Math.log(b.advantage()) / Math.log(2)));
            double w = Math.abs(l) / span * half;
            double x = l >= 0 ? x1 : x1 - w;
            String color = b.advantage() >= 1 ? "#2e8b57" : "#c0392b";
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW - 6, y + 15, esc(b.label())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", x, y + 4, Math.max(w, 1), rowH - 6, color));
            double tx = l >= 0 ? x1 + w + 4 : x1 - w - 4;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n", tx, y + 15,
                    l >= 0 ? "start" : "end", esc(ratio(b.advantage()))));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
