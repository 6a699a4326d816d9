package io.vigil.gateway.cli;

import io.vigil.pipelines.InboundMessage;
import io.vigil.pipelines.PipelineTranslator;
import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.Derivation;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.PipelineSpec.Channel;
import io.vigil.pipelines.spec.PipelineSpec.Stream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil explain}: what a pipeline file becomes, stage by stage in the operator's words, then
 * the Flink operators the translator builds from it (names, uids, parallelism), without running
 * anything.
 */
@Command(
        name = "explain",
        description = "Print the stages and the Flink operator graph a pipeline file becomes.")
final class ExplainCommand implements Callable<Integer> {

    @Spec CommandSpec command;

    @Parameters(paramLabel = "PIPELINE.yaml", description = "The pipeline file.")
    Path file;

    @Override
    public Integer call() throws Exception {
        PipelineSpec spec;
        try {
            spec = PipelineParser.parse(file);
        } catch (ConfigException e) {
            command.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        PrintWriter out = command.commandLine().getOut();
        stages(spec, out);
        out.println();
        out.println("Flink operators (name, uid, parallelism):");
        List<StreamNode> nodes = new ArrayList<>(graph(spec).getStreamNodes());
        nodes.sort(Comparator.comparingInt(StreamNode::getId));
        for (StreamNode node : nodes) {
            if (node.getTransformationUID() == null
                    || !node.getTransformationUID().startsWith(spec.name() + "-")) {
                continue; // the stand-ins for the MQTT source and sink
            }
            out.printf(
                    "  %-45s uid %-32s p=%s%n",
                    node.getOperatorName(),
                    node.getTransformationUID(),
                    node.getParallelism() < 1 ? "default" : node.getParallelism());
        }
        out.flush();
        return 0;
    }

    private static void stages(PipelineSpec spec, PrintWriter out) {
        PipelineSpec.Source source = spec.source();
        PipelineSpec.Window window = spec.window();
        out.printf("pipeline '%s' (%s)%n", spec.name(), spec.file());
        for (var topic : source.topics()) {
            out.printf(
                    "  subscribe   %s%s%n",
                    topic.filter(),
                    topic.template().equals(topic.filter())
                            ? ""
                            : "  (template " + topic.template() + ")");
        }
        out.printf(
                "  decode      %s; asset from %s%s%n",
                source.format().yaml(),
                asset(spec),
                source.oneChannelPerReading()
                        ? "; one channel per reading, value in '" + source.valueField() + "'"
                        : "");
        if (source.format() != PipelineSpec.PayloadFormat.SPARKPLUG_B) {
            out.printf(
                    "  event time  %s%n",
                    source.timestampFormat() == PipelineSpec.TimestampFormat.ARRIVAL
                            ? "arrival time"
                            : "'"
                                    + source.timestampField()
                                    + "' ("
                                    + source.timestampFormat().yaml()
                                    + ")");
        }
        for (Channel c : source.columns()) {
            out.printf("  channel     %-14s %s%n", c.name(), channel(c));
        }
        if (source.earlyLevels().file() != null) {
            int known = source.earlyLevels().assets().size();
            out.printf(
                    "  early level known for %d %s, from %s; the others learn theirs%n",
                    known, known == 1 ? "asset" : "assets", source.earlyLevels().file());
        }
        out.printf(
                "  watermark   out-of-orderness %s, idle after %s, allowed lateness %s%n",
                text(spec.time().maxOutOfOrderness()),
                text(spec.time().idleTimeout()),
                text(spec.time().allowedLateness()));
        out.printf("  key by      asset%n");
        out.printf(
                "  window      %s -> %d rows x %d columns; %s%n",
                window(window), window.rows(), source.columns().size(), fill(window));
        out.printf(
                "  model       %s %s %s (%s), batches of up to %d, waiting at most %s%n",
                spec.model().card().name(),
                spec.model().card().version(),
                spec.model().location().variant(),
                spec.model().card().task(),
                spec.model().batchSize(),
                text(spec.model().batchTimeout()));
        PipelineSpec.Detect d = spec.detect();
        out.printf(
                "  detect      %s; raise on %d of %d windows; clear at %.0f %% of it; cooldown %s%n",
                ValidateCommand.detection(d),
                d.k(),
                d.n(),
                d.clearRatio() * 100,
                text(d.cooldown()));
        PipelineSpec.Output o = spec.output();
        stream(out, "events", o.events(), spec.name());
        stream(out, "health", o.health(), spec.name());
        stream(out, "scores", o.scores(), spec.name());
        stream(out, "dead letters", o.deadLetters(), spec.name());
        stream(out, "late", o.late(), spec.name());
    }

    private static String asset(PipelineSpec spec) {
        PipelineSpec.Source source = spec.source();
        if (source.format() == PipelineSpec.PayloadFormat.SPARKPLUG_B) {
            return "the Sparkplug device (or edge node)";
        }
        return source.assetPointer() != null
                ? "the payload at " + source.assetPointer()
                : "topic level {asset}";
    }

    private static String channel(Channel c) {
        if (c.derived()) {
            String span =
                    c.derivation() == Derivation.EARLY_MEAN
                            ? " over the asset's first " + c.samples() + " readings"
                            : c.samples() > 0 ? " over " + c.samples() + " rows" : "";
            return c.derivation().yaml() + " of " + c.from() + span;
        }
        String text = "<- '" + c.field() + "'";
        if (c.scale() != 1 || c.offset() != 0) {
            text += " x " + c.scale() + " + " + c.offset();
        }
        if (Double.isFinite(c.min()) || Double.isFinite(c.max())) {
            text += ", plausible in [" + c.min() + ", " + c.max() + "]";
        }
        return text;
    }

    private static String window(PipelineSpec.Window w) {
        return switch (w.type()) {
            case SLIDING ->
                    "sliding "
                            + text(w.length())
                            + " every "
                            + text(w.hop())
                            + " on a "
                            + text(w.samplePeriod())
                            + " grid"
                            + staggered(w);
            case TUMBLING ->
                    "tumbling "
                            + text(w.length())
                            + " on a "
                            + text(w.samplePeriod())
                            + " grid"
                            + staggered(w);
            case COUNT ->
                    "count: the last " + w.rows() + " readings, every " + w.every() + " readings";
            case SESSION ->
                    "session: ends after "
                            + text(w.gap())
                            + " of silence (at most "
                            + text(w.maxLength())
                            + ")";
        };
    }

    private static String staggered(PipelineSpec.Window w) {
        return w.stagger() ? ", staggered per asset" : "";
    }

    private static String fill(PipelineSpec.Window w) {
        if (w.type() == PipelineSpec.WindowType.COUNT) {
            return w.minCoverage() < 1
                    ? "no resampling; first window at "
                            + w.minCoveredRows()
                            + " readings, its missing rows repeating the first"
                    : "no resampling";
        }
        return "resample "
                + w.resampling().yaml()
                + ", missing "
                + w.missing().yaml()
                + " (max gap "
                + text(w.maxGap())
                + "), min coverage "
                + w.minCoverage();
    }

    private static void stream(PrintWriter out, String name, Stream s, String pipeline) {
        if (!s.enabled()) {
            out.printf("  %-11s off%n", name);
            return;
        }
        out.printf(
                "  %-11s -> %s  (QoS %d%s%s)%n",
                name,
                s.topic().replace("{pipeline}", pipeline),
                s.qos(),
                s.retain() ? ", retained" : "",
                s.ratePerSecond() > 0
                        ? String.format(", at most %.4g/s per asset", s.ratePerSecond())
                        : "");
    }

    private static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms > 1000 ? ms / 1000.0 + "s" : ms + "ms";
    }

    /** The graph the translator builds, on a stand-in source in place of MQTT. */
    private static StreamGraph graph(PipelineSpec spec) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<InboundMessage> messages =
                env.fromSource(
                                new NumberSequenceSource(0, 0),
                                WatermarkStrategy.noWatermarks(),
                                "explain: messages")
                        .map(n -> new InboundMessage("", new byte[0], 0))
                        .name("explain: messages");
        PipelineTranslator.translate(spec, messages).results().print();
        return env.getStreamGraph(false);
    }
}
