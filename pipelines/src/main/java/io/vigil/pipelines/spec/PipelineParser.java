package io.vigil.pipelines.spec;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLoadException;
import io.vigil.models.ModelLocation;
import io.vigil.pipelines.TopicFilters;
import io.vigil.pipelines.spec.PipelineSpec.Channel;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Turns a pipeline YAML file into a checked {@link PipelineSpec}, or fails with every mistake it
 * finds, each with file:line:column, the key, and what was expected. Knows nothing of Flink: the
 * spec is complete and consistent with its model before a graph is built from it.
 *
 * <pre>{@code
 * PipelineSpec spec = PipelineParser.parse(Path.of("config/pipelines/pump-anomaly.yaml"));
 * }</pre>
 */
public final class PipelineParser {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private PipelineParser() {}

    /** Parses a pipeline file; model paths are resolved against the file's folder. */
    public static PipelineSpec parse(Path file) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        return parse(file.toString(), Files.readString(file), base);
    }

    /**
     * Parses pipeline text.
     *
     * @param fileName the name used in error messages
     * @param yaml the file's content
     * @param baseDir folder that relative model paths are resolved against
     */
    public static PipelineSpec parse(String fileName, String yaml, Path baseDir) {
        MappingNode root = YamlReader.compose(fileName, yaml, PipelineOptions.OPTIONS);
        YamlReader in = new YamlReader(fileName, PipelineOptions.OPTIONS, root);
        in.checkKeys("");

        String name = in.string("name");
        if (name != null && !NAME.matcher(name).matches()) {
            in.error(
                    in.at("name"),
                    "name",
                    "expected lowercase letters, digits and '-', found '" + name + "'");
        }

        List<String> topics = topics(in);
        Integer assetSegment = in.integer("source.asset.topic-segment", 0, 64);
        if (topics != null && assetSegment != null) {
            checkAssetSegment(in, topics, assetSegment);
        }
        String timestampField = in.string("source.timestamp.field");
        TimestampFormat timestampFormat = timestampFormat(in);
        List<Channel> channels = channels(in);

        Duration outOfOrderness = in.duration("time.max-out-of-orderness");
        Duration idleTimeout = in.duration("time.idle-timeout");

        Duration length = in.duration("window.length");
        Duration hop = in.duration("window.hop");
        Double minCoverage = in.number("window.min-coverage", 0.0, 1.0);
        if (length != null && hop != null && hop.compareTo(length) > 0) {
            in.error(
                    in.at("window.hop"),
                    "window.hop",
                    "must not be longer than window.length ("
                            + length.toMillis()
                            + "ms), found "
                            + hop.toMillis()
                            + "ms");
        }

        ModelLocation location = modelLocation(in, baseDir);
        ModelCard card = null;
        if (location != null) {
            try {
                card = location.loadCard();
            } catch (ModelLoadException e) {
                String key = in.node("model.path") != null ? "model.path" : "model.name";
                in.error(in.at(key), key, e.getMessage());
            }
        }
        Integer batchSize = in.integer("model.batch-size", 1, 4096);
        Duration batchTimeout = in.duration("model.batch-timeout");
        Double threshold =
                in.node("detect.threshold") == null
                        ? null
                        : in.number("detect.threshold", 0.0, Double.MAX_VALUE);

        Duration samplePeriod =
                in.node("window.sample-period") != null
                        ? in.duration("window.sample-period")
                        : card == null ? null : Duration.ofMillis(card.samplePeriodMillis());
        if (card != null) {
            checkAgainstModel(in, card, length, samplePeriod, channels);
            channels = channels == null ? null : inModelOrder(card, channels);
            if (threshold == null) {
                threshold = card.threshold();
            }
        }

        String anomalyTopic = template(in, "output.anomaly-topic");
        String healthTopic = template(in, "output.health-topic");
        Duration healthInterval = in.duration("output.health-interval");
        Integer qos = in.integer("output.qos", 0, 1);
        Integer topChannels = in.integer("output.top-channels", 1, 64);
        String deadLetterTopic = template(in, "output.dead-letter-topic");

        if (!in.errors().isEmpty()) {
            throw new ConfigException(in.errors());
        }
        return new PipelineSpec(
                name,
                fileName,
                new PipelineSpec.Source(
                        topics, assetSegment, timestampField, timestampFormat, channels),
                new PipelineSpec.Time(outOfOrderness, idleTimeout),
                new PipelineSpec.Window(length, hop, samplePeriod, minCoverage),
                new PipelineSpec.Model(location, card, threshold, batchSize, batchTimeout),
                new PipelineSpec.Output(
                        anomalyTopic,
                        healthTopic,
                        healthInterval,
                        qos,
                        deadLetterTopic,
                        topChannels));
    }

    private static List<String> topics(YamlReader in) {
        List<Node> items = in.list("source.topics");
        if (items == null) {
            return null;
        }
        List<String> topics = new ArrayList<>();
        for (Node item : items) {
            String filter = item instanceof ScalarNode s ? s.getValue() : null;
            String problem =
                    filter == null
                            ? "expected a topic filter, found " + YamlReader.describe(item)
                            : TopicFilters.problem(filter);
            if (problem != null) {
                in.error(item, "source.topics", problem);
            } else {
                topics.add(filter);
            }
        }
        return topics;
    }

    private static void checkAssetSegment(YamlReader in, List<String> topics, int segment) {
        for (String topic : topics) {
            String[] levels = topic.split("/", -1);
            boolean reachable = segment < levels.length || levels[levels.length - 1].equals("#");
            if (!reachable
                    || (segment < levels.length
                            && levels[segment].equals("#")
                            && segment != levels.length - 1)) {
                in.error(
                        in.at("source.asset.topic-segment"),
                        "source.asset.topic-segment",
                        "topic '"
                                + topic
                                + "' has only "
                                + levels.length
                                + " levels (0 to "
                                + (levels.length - 1)
                                + "), found "
                                + segment);
            }
        }
    }

    private static TimestampFormat timestampFormat(YamlReader in) {
        String text = in.string("source.timestamp.format");
        if (text == null) {
            return null;
        }
        for (TimestampFormat format : TimestampFormat.values()) {
            if (format.yaml().equals(text)) {
                return format;
            }
        }
        in.error(
                in.at("source.timestamp.format"),
                "source.timestamp.format",
                "expected one of "
                        + Arrays.stream(TimestampFormat.values())
                                .map(TimestampFormat::yaml)
                                .toList()
                        + ", found '"
                        + text
                        + "'");
        return null;
    }

    private static List<Channel> channels(YamlReader in) {
        List<Node> items = in.list("source.channels");
        if (items == null) {
            return null;
        }
        List<Channel> channels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node item : items) {
            Channel channel = channel(in, item);
            if (channel == null) {
                continue;
            }
            if (!seen.add(channel.name())) {
                in.error(
                        item,
                        "source.channels",
                        "channel '" + channel.name() + "' is listed twice");
            }
            channels.add(channel);
        }
        return channels;
    }

    private static Channel channel(YamlReader in, Node item) {
        if (item instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
            return new Channel(scalar.getValue(), scalar.getValue());
        }
        if (item instanceof MappingNode mapping) {
            String name = null;
            String field = null;
            for (var tuple : mapping.getValue()) {
                String key = YamlReader.scalar(tuple.getKeyNode());
                String value = YamlReader.scalar(tuple.getValueNode());
                switch (key) {
                    case "name" -> name = value;
                    case "field" -> field = value;
                    default ->
                            in.error(
                                    tuple.getKeyNode(),
                                    "source.channels",
                                    "unknown key '"
                                            + key
                                            + "' in a channel; allowed keys: [name, field]");
                }
            }
            if (name == null) {
                in.error(item, "source.channels", "a channel needs a 'name'");
                return null;
            }
            return new Channel(name, field == null ? name : field);
        }
        in.error(
                item,
                "source.channels",
                "expected a channel name or {name, field}, found " + YamlReader.describe(item));
        return null;
    }

    private static ModelLocation modelLocation(YamlReader in, Path baseDir) {
        String name = in.node("model.name") == null ? null : in.string("model.name");
        String path = in.node("model.path") == null ? null : in.string("model.path");
        if (name != null && path != null) {
            in.error(
                    in.at("model.path"),
                    "model.path",
                    "give either model.name or model.path, not both");
            return null;
        }
        if (path != null) {
            return ModelLocation.directory(baseDir.resolve(path));
        }
        if (name != null) {
            return ModelLocation.shipped(name);
        }
        if (in.node("model") != null
                && in.errors().stream().noneMatch(e -> e.path().equals("model"))) {
            in.error(
                    in.at("model"),
                    "model",
                    "missing required key 'name' (a shipped model, one of "
                            + ModelLocation.shippedNames()
                            + ") or 'path'");
        }
        return null;
    }

    private static void checkAgainstModel(
            YamlReader in,
            ModelCard card,
            Duration length,
            Duration samplePeriod,
            List<Channel> channels) {
        if (samplePeriod != null && samplePeriod.toMillis() != card.samplePeriodMillis()) {
            in.error(
                    in.at("window.sample-period"),
                    "window.sample-period",
                    "model '"
                            + card.name()
                            + "' was trained at a sample period of "
                            + card.samplePeriodMillis()
                            + "ms, found "
                            + samplePeriod.toMillis()
                            + "ms");
        } else if (length != null && samplePeriod != null) {
            long rows = length.toMillis() / samplePeriod.toMillis();
            if (length.toMillis() % samplePeriod.toMillis() != 0 || rows != card.windowLength()) {
                in.error(
                        in.at("window.length"),
                        "window.length",
                        "model '"
                                + card.name()
                                + "' takes windows of "
                                + card.windowLength()
                                + " samples of "
                                + samplePeriod.toMillis()
                                + "ms, so window.length must be "
                                + card.windowLength() * samplePeriod.toMillis()
                                + "ms, found "
                                + length.toMillis()
                                + "ms");
            }
        }
        if (channels != null) {
            Set<String> names = new HashSet<>();
            channels.forEach(c -> names.add(c.name()));
            List<String> missing =
                    card.channels().stream().filter(c -> !names.contains(c)).toList();
            List<String> extra =
                    channels.stream()
                            .map(Channel::name)
                            .filter(c -> !card.channels().contains(c))
                            .toList();
            if (!missing.isEmpty() || !extra.isEmpty()) {
                in.error(
                        in.at("source.channels"),
                        "source.channels",
                        "model '"
                                + card.name()
                                + "' takes channels "
                                + card.channels()
                                + (missing.isEmpty() ? "" : "; missing " + missing)
                                + (extra.isEmpty() ? "" : "; unknown to the model " + extra));
            }
        }
    }

    /** The channels reordered to the model's input order, which is the tensor's column order. */
    private static List<Channel> inModelOrder(ModelCard card, List<Channel> channels) {
        List<Channel> ordered = new ArrayList<>();
        for (String name : card.channels()) {
            channels.stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .ifPresent(ordered::add);
        }
        return ordered.size() == channels.size() ? ordered : channels;
    }

    private static String template(YamlReader in, String path) {
        String topic = in.string(path);
        if (topic == null) {
            return null;
        }
        String rest = topic.replace("{pipeline}", "").replace("{asset}", "");
        String problem =
                rest.contains("{") || rest.contains("}")
                        ? "only {pipeline} and {asset} may be used in a topic"
                        : topic.contains("+") || topic.contains("#")
                                ? "a result topic must not contain the wildcards '+' or '#'"
                                : topic.isEmpty() ? "a topic must not be empty" : null;
        if (problem != null) {
            in.error(in.at(path), path, problem + ", found '" + topic + "'");
            return null;
        }
        return topic;
    }
}
