package dev.loomwire.cli;

import dev.loomwire.redis.ClusterNode;
import dev.loomwire.redis.ClusterTopology;
import dev.loomwire.redis.HostAndPort;
import dev.loomwire.net.ConnectListener;
import dev.loomwire.redis.RedisClusterSettings;
import dev.loomwire.redis.RedisClusterUri;
import dev.loomwire.redis.RedisConfig;
import dev.loomwire.redis.RedisConnectionException;
import dev.loomwire.internal.ProbeAccess;
import dev.loomwire.redis.RedisReply;
import dev.loomwire.redis.RedisReply.ErrorReply;
import dev.loomwire.redis.resp.RespEncoder;
import dev.loomwire.tls.TlsConfig;
import dev.loomwire.tls.TlsVerification;
import java.io.IOException;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cluster part of {@code probe rediss://...}: on a seed that says it is a cluster node, reads
 * the topology ({@code CLUSTER SHARDS}, else {@code CLUSTER SLOTS}) with the client's parser, then
 * connects to every node the way {@code RedisClusterClient} would ({@link RedisClusterUri}: the
 * name {@code cluster_tls_name} picks, the mapped address) and says whether the configured
 * verification passes there, and if not, which {@code cluster_tls_name} would.
 */
final class RedisClusterProbe {
    private final Report report;
    private final RedisClusterUri uri;
    private final TlsConfig tls;
    private final Duration timeout;

    RedisClusterProbe(Report report, RedisClusterUri uri, Duration timeout) {
        this.report = report;
        this.uri = uri;
        this.tls = uri.seedConfig().tls().orElse(null);
        this.timeout = timeout;
    }

    /**
     * Reads the topology on {@code session} (authenticated, to {@code answeredBy}) and checks
     * every node; returns why the cluster client would fail, or {@code null} if every node passes.
     */
    String run(Socket session, HostAndPort answeredBy) {
        long t0 = System.nanoTime();
        ClusterTopology topology;
        try {
            topology = topology(session, answeredBy);
        } catch (IOException | RuntimeException e) {
            String why = "cannot read the cluster topology from " + answeredBy + ": " + e.getMessage();
            report.phase("cluster topology", Report.since(t0), Report.Status.FAIL, why);
            return why;
        }
        Report.Phase p = report.phase("cluster topology", Report.since(t0), Report.Status.OK,
                topology.shards().size() + " shards, " + topology.nodes().size() + " nodes (" + topology.source() + ")"
                        + (topology.uncoveredSlots() > 0 ? ", " + topology.uncoveredSlots() + " slots not served" : ""));
        if (tls != null) {
            p.details().put("cluster_tls_name", uri.settings().tlsName() instanceof dev.loomwire.redis.RedisClusterSettings.TlsName.Explicit e
                    ? e.name() : uri.settings().tlsName().getClass().getSimpleName().toLowerCase(Locale.ROOT));
        }
        for (ClusterTopology.Shard shard : topology.shards()) {
            List<String> members = new ArrayList<>();
            for (ClusterNode n : shard.nodes()) {
                members.add(n.role().name().toLowerCase(Locale.ROOT) + " " + n.address() + " (" + n.health() + ")");
            }
            p.details().put("slots " + String.join(",", shard.slots().stream().map(Object::toString).toList()), String.join(", ", members));
        }
        if (topology.uncoveredSlots() > 0) {
            report.warnings.add(topology.uncoveredSlots() + " slots are served by no node: commands on them fail with CLUSTERDOWN");
        }
        if (tls == null) {
            return null;
        }
        List<String> failures = new ArrayList<>();
        TlsProbe.Trust trust = TlsProbe.Trust.of(tls);
        for (ClusterNode node : topology.nodes()) {
            String failure = checkNode(node, trust);
            if (failure != null) {
                failures.add(failure);
            }
        }
        return failures.isEmpty() ? null : failures.size() + " of " + topology.nodes().size() + " nodes refused: " + failures.get(0);
    }

    private ClusterTopology topology(Socket session, HostAndPort answeredBy) throws IOException {
        RespReader in = new RespReader(session.getInputStream());
        RespEncoder cmd = new RespEncoder().command("CLUSTER", "SHARDS");
        session.getOutputStream().write(cmd.buffer(), 0, cmd.size());
        RedisReply shards = in.read();
        if (!(shards instanceof ErrorReply)) {
            return ClusterTopology.fromShards(shards, answeredBy, tls != null);
        }
        cmd.reset();
        cmd.command("CLUSTER", "SLOTS");
        session.getOutputStream().write(cmd.buffer(), 0, cmd.size());
        RedisReply slots = in.read();
        if (slots instanceof ErrorReply e) {
            throw new IOException("CLUSTER SHARDS and CLUSTER SLOTS refused: " + e.message());
        }
        return ClusterTopology.fromSlots(slots, answeredBy);
    }

    /** One node: its certificate and the configured verification against the name the client would check. */
    private String checkNode(ClusterNode node, TlsProbe.Trust trust) {
        long t0 = System.nanoTime();
        HostAndPort announced = node.address();
        String name = uri.tlsName(announced);
        HostAndPort dial = uri.dialAddress(announced);
        String mode = tls.verification().name().toLowerCase(Locale.ROOT);
        String phaseName = "node " + announced;
        RedisConfig nodeConfig = uri.nodeConfig(announced);
        List<X509Certificate> chain;
        try { // the driver's own opening of a node connection, without verification to see the chain
            ProbeAccess.RedisOpened captured = ProbeAccess.redis().open(nodeConfig, tls.toBuilder().verification(TlsVerification.NONE).build(),
                    timeout, ConnectListener.none());
            chain = captured.tls().session().peerChain();
            Network.closeQuietly(captured.stream());
        } catch (RedisConnectionException e) {
            String why = announced + " (dialed at " + dial + "): " + e.getMessage();
            report.phase(phaseName, Report.since(t0), Report.Status.FAIL, why);
            return why;
        }
        Report.Verdict verdict = RedisProbe.verdict(mode, nodeConfig, tls, timeout, chain, trust);
        X509Certificate leaf = chain.isEmpty() ? null : chain.get(0);
        String role = node.role().name().toLowerCase(Locale.ROOT);
        Report.Phase p = report.phase(phaseName, Report.since(t0), verdict.ok() ? Report.Status.OK : Report.Status.FAIL,
                role + ": sslverify=" + mode + " checking \"" + name + "\" " + (verdict.ok() ? "passes" : "FAILS: " + verdict.reason()));
        if (!dial.equals(announced)) {
            p.details().put("dialed", dial.toString());
        }
        if (leaf != null) {
            p.details().put("certificate", leaf.getSubjectX500Principal().getName());
            p.details().put("subject alt names", CertificateFacts.subjectAltNames(leaf));
            p.details().put("issuer", leaf.getIssuerX500Principal().getName());
        }
        if (verdict.ok()) {
            return null;
        }
        String fix = passingTlsName(name, leaf, announced, chain, trust);
        if (fix != null) {
            p.details().put("fix", fix);
        }
        return announced + ": " + verdict.reason() + (fix != null ? "; " + fix : "");
    }

    /** A {@code cluster_tls_name} under which this node would pass, checked with a handshake; {@code null} if none. */
    private String passingTlsName(String failedName, X509Certificate leaf, HostAndPort announced,
                                  List<X509Certificate> chain, TlsProbe.Trust trust) {
        if (leaf == null || tls.verification() != TlsVerification.FULL) {
            return null;
        }
        Set<String> candidates = new LinkedHashSet<>();
        String seedHost = uri.seeds().get(0).host();
        candidates.add(seedHost);
        for (String san : CertificateFacts.subjectAltNames(leaf)) {
            if (san.startsWith("DNS:") && !san.contains("*")) {
                candidates.add(san.substring(4));
            }
        }
        candidates.remove(failedName);
        for (String candidate : candidates) {
            RedisClusterUri renamed = new RedisClusterUri(uri.seedConfig(), uri.seeds(),
                    uri.settings().toBuilder().tlsName(new RedisClusterSettings.TlsName.Explicit(candidate)).build());
            if (RedisProbe.verdict("full", renamed.nodeConfig(announced), tls, timeout, chain, trust).ok()) {
                String parameter = candidate.equals(seedHost) ? "cluster_tls_name=seed (the seed's host " + seedHost + ")"
                        : "cluster_tls_name=" + candidate;
                return "with " + parameter + " this node passes sslverify=full";
            }
        }
        return null;
    }
}
