package dev.loomwire.cli;

import dev.loomwire.internal.ProbeAccess;
import dev.loomwire.pg.PgConfig;
import dev.loomwire.pg.PgHost;
import dev.loomwire.pg.TargetSessionAttrs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Probes every host of a multi-host PostgreSQL connection string in order, each as
 * {@link PgProbe} would alone, and says which host {@code target_session_attrs} would pick,
 * walking the hosts as the driver does (prefer-standby: a second pass from the first host). A
 * server's type is visible only when it lets the probe in without a password (the probe never
 * sends one); otherwise the verdict says so.
 */
final class PgHostsProbe {
    private final String conninfo;
    private final PgConfig cfg;
    private final Duration timeout;

    PgHostsProbe(String conninfo, PgConfig cfg, Duration timeout) {
        this.conninfo = conninfo;
        this.cfg = cfg;
        this.timeout = timeout;
    }

    private record Probed(int index, PgHost host, PgProbe probe, Report report) {
        String name() {
            return "host " + index + " (" + host + ")";
        }
    }

    Report run() {
        TargetSessionAttrs target = cfg.targetSessionAttrs();
        Report report = new Report("PostgreSQL at " + cfg.hosts().size() + " hosts, target_session_attrs=" + target.keyword());
        report.target.put("protocol", "postgresql");
        report.target.put("hosts", cfg.hosts().stream().map(PgHost::toString).toList());
        report.target.put("target_session_attrs", target.keyword());
        report.target.put("load_balance_hosts", cfg.loadBalanceHosts().keyword()
                + (cfg.loadBalanceHosts() == dev.loomwire.pg.LoadBalanceHosts.RANDOM ? " (the driver shuffles; the probe keeps the order)" : ""));
        report.requestedMode = cfg.sslMode().keyword();
        List<Probed> all = new ArrayList<>();
        for (PgHost h : cfg.hosts()) {
            PgProbe probe = new PgProbe(conninfo, cfg, h, timeout);
            Probed p = new Probed(all.size() + 1, h, probe, probe.run());
            all.add(p);
            Report.Status status = p.report().success ? Report.Status.OK : Report.Status.FAIL;
            String type = switch (probe.serverCheck()) {
                case ProbeAccess.ServerCheck.Known k -> k.type()
                        + k.rejection().map(r -> " (target_session_attrs=" + target.keyword() + " passes it over: " + r + ")").orElse("");
                case ProbeAccess.ServerCheck.Unknown u -> "type unknown: the server asks for a password before it says";
            };
            Report.Phase phase = report.phase(p.name(), null, status, (p.report().success ? "reachable, " + type + "; " : "")
                    + p.report().conclusion);
            for (Report.Phase inner : p.report().phases) {
                phase.details().put(inner.name(), inner.status() + " " + inner.summary());
            }
        }
        Optional<Probed> pick = pick(all, target, false);
        if (pick.isEmpty() && target == TargetSessionAttrs.PREFER_STANDBY) {
            pick = pick(all, target, true);
        }
        List<Probed> unknown = all.stream()
                .filter(p -> p.report().success && p.probe().serverCheck() instanceof ProbeAccess.ServerCheck.Unknown).toList();
        if (pick.isPresent()) {
            Probed chosen = pick.get();
            report.verdicts.addAll(chosen.report().verdicts);
            report.chain.addAll(chosen.report().chain);
            report.success = true;
            report.conclusion = "target_session_attrs=" + target.keyword() + " would pick " + chosen.name()
                    + (chosen.probe().serverCheck() instanceof ProbeAccess.ServerCheck.Known k ? ": " + k.type() : "")
                    + (unknown.isEmpty() || target == TargetSessionAttrs.ANY ? ""
                       : " (hosts of unknown type, which the driver checks after logging in: "
                         + String.join(", ", unknown.stream().map(Probed::name).toList()) + ")");
        } else {
            report.success = false;
            report.conclusion = "target_session_attrs=" + target.keyword() + " would FAIL: "
                    + (unknown.isEmpty() ? "no host qualifies" : "no host is known to qualify; the type of "
                       + String.join(", ", unknown.stream().map(Probed::name).toList())
                       + " shows only after logging in (the probe sends no password)");
        }
        return report;
    }

    /**
     * The first reachable host the driver would accept, by the connector's own decision for each
     * ({@link ProbeAccess.ServerCheck}); {@code anyServer} for prefer-standby's second pass.
     */
    private static Optional<Probed> pick(List<Probed> all, TargetSessionAttrs target, boolean anyServer) {
        for (Probed p : all) {
            if (!p.report().success) {
                continue;
            }
            if (target == TargetSessionAttrs.ANY || anyServer) {
                return Optional.of(p);
            }
            if (p.probe().serverCheck() instanceof ProbeAccess.ServerCheck.Known k && k.rejection().isEmpty()) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
