package io.vigil.pipelines.spec;

import io.vigil.models.ModelCard;
import io.vigil.models.ModelLoadException;
import io.vigil.models.ModelLocation;
import io.vigil.models.WindowScorer;
import io.vigil.pipelines.TopicTemplate;
import io.vigil.pipelines.spec.PipelineSpec.Calibration;
import io.vigil.pipelines.spec.PipelineSpec.Channel;
import io.vigil.pipelines.spec.PipelineSpec.Csv;
import io.vigil.pipelines.spec.PipelineSpec.Detect;
import io.vigil.pipelines.spec.PipelineSpec.PayloadFormat;
import io.vigil.pipelines.spec.PipelineSpec.Stream;
import io.vigil.pipelines.spec.PipelineSpec.TimestampFormat;
import io.vigil.pipelines.spec.PipelineSpec.WindowType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

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
    private static final String SPARKPLUG_NAMESPACE = "spBv1.0/";

    private PipelineParser() {}

    /** Parses a pipeline file; model paths are resolved against the file's folder. */
    public static PipelineSpec parse(Path file) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        return parse(file.toString(), Files.readString(file), base);
    }

    /**
     * Parses the pipelines of one gateway: every file, every mistake of every file, and names used
     * twice.
     *
     * @throws ConfigException with all mistakes, when any file has one
     */
    public static List<PipelineSpec> parseAll(List<Path> files) {
        List<PipelineSpec> pipelines = new ArrayList<>();
        List<SpecError> errors = new ArrayList<>();
        Map<String, Path> names = new HashMap<>();
        for (Path file : files) {
            try {
                PipelineSpec spec = parse(file);
                Path other = names.putIfAbsent(spec.name(), file);
                if (other != null) {
                    errors.add(
                            new SpecError(
                                    file.toString(),
                                    lineOf(file, "name:"),
                                    1,
                                    "name",
                                    "pipeline name '"
                                            + spec.name()
                                            + "' is already used by "
                                            + other
                                            + "; each pipeline needs its own (it names its topics and state)"));
                }
                pipelines.add(spec);
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            } catch (IOException e) {
                errors.add(
                        new SpecError(
                                file.toString(),
                                1,
                                1,
                                "",
                                Files.exists(file)
                                        ? "cannot read: " + e.getMessage()
                                        : "file not found"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return pipelines;
    }

    private static int lineOf(Path file, String prefix) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i + 1;
            }
        }
        return 1;
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

        ModelCard card = card(in, baseDir);
        PipelineSpec.Source source = source(in, card, baseDir);
        PipelineSpec.Time time =
                new PipelineSpec.Time(
                        in.duration("time.max-out-of-orderness"),
                        in.duration("time.idle-timeout"),
                        in.duration("time.allowed-lateness"));
        PipelineSpec.Window window = window(in, card);
        Integer batchSize = in.integer("model.batch-size");
        Duration batchTimeout = in.duration("model.batch-timeout");
        Detect detect = detect(in, card);
        PipelineSpec.Output output = output(in);

        if (!in.errors().isEmpty()) {
            throw new ConfigException(in.errors());
        }
        PipelineSpec.Model model =
                new PipelineSpec.Model(location(in, baseDir), card, batchSize, batchTimeout);
        return new PipelineSpec(name, fileName, source, time, window, model, detect, output);
    }

    // ---- source ----

    private static PipelineSpec.Source source(YamlReader in, ModelCard card, Path baseDir) {
        PayloadFormat format = in.choice("source.format", PayloadFormat.class);
        List<TopicTemplate> topics = topics(in, format);
        String assetPointer = in.pointer("source.asset");
        String channelPointer = in.pointer("source.channel");
        String recordsPointer = in.pointer("source.records");
        String valueField = in.string("source.value");
        Csv csv = csv(in, format);
        String timestampField = in.string("source.timestamp.field");
        TimestampFormat timestampFormat =
                in.choice("source.timestamp.format", TimestampFormat.class);

        if (format != null && format != PayloadFormat.JSON) {
            for (String jsonOnly : List.of("source.asset", "source.channel", "source.records")) {
                notFor(in, jsonOnly, "payloads in json", format.yaml());
            }
        }
        if (format != null && format != PayloadFormat.CSV) {
            notFor(in, "source.csv", "payloads in csv", format.yaml());
        }
        if (format == PayloadFormat.SPARKPLUG_B) {
            notFor(
                    in,
                    "source.timestamp",
                    "json and csv; Sparkplug B carries its own timestamps",
                    "sparkplug-b");
            notFor(in, "source.value", "json and csv", "sparkplug-b");
        }
        if (topics != null && format != null && format != PayloadFormat.SPARKPLUG_B) {
            checkAssetSource(in, topics, in.node("source.asset") != null);
            long naming = topics.stream().filter(t -> t.channelLevel() >= 0).count();
            if (naming > 0 && naming < topics.size()) {
                in.error(
                        in.at("source.topics"),
                        "source.topics",
                        "either every topic names its {channel} (one channel per reading) or none"
                                + " does (one field per channel); these mix both: "
                                + topics.stream().map(TopicTemplate::template).toList());
            }
        }
        if (timestampField != null
                && timestampField.startsWith("/")
                && format == PayloadFormat.JSON) {
            String problem = YamlReader.pointerProblem(timestampField);
            if (problem != null) {
                in.error(in.at("source.timestamp.field"), "source.timestamp.field", problem);
            }
        }

        List<Channel> channels = channels(in);
        List<Channel> inputs =
                channels == null ? null : channels.stream().filter(c -> !c.derived()).toList();
        List<Channel> columns = channels;
        if (channels != null && card != null) {
            columns = inModelOrder(in, card, channels);
        }
        boolean oneChannel =
                channelPointer != null
                        || (topics != null && topics.stream().anyMatch(t -> t.channelLevel() >= 0));
        if (csv != null && inputs != null) {
            checkCsvColumns(
                    in, csv, timestampField, timestampFormat, inputs, oneChannel, valueField);
        }
        return new PipelineSpec.Source(
                topics == null ? List.of() : topics,
                format,
                assetPointer,
                channelPointer,
                valueField,
                recordsPointer,
                csv,
                timestampField,
                timestampFormat,
                inputs == null ? List.of() : inputs,
                columns == null ? List.of() : columns,
                earlyLevels(in, channels, baseDir));
    }

    /** The early levels {@code source.early-levels} names, checked against the channels. */
    private static PipelineSpec.EarlyLevels earlyLevels(
            YamlReader in, List<Channel> channels, Path baseDir) {
        String file = in.string("source.early-levels");
        if (file == null || channels == null) {
            return PipelineSpec.EarlyLevels.NONE;
        }
        Node at = in.at("source.early-levels");
        Map<String, String> earlyMeanOf = new HashMap<>();
        for (Channel c : channels) {
            if (c.derivation() == Derivation.EARLY_MEAN) {
                String other = earlyMeanOf.putIfAbsent(c.from(), c.name());
                if (other != null) {
                    in.error(
                            at,
                            "source.early-levels",
                            "'"
                                    + c.from()
                                    + "' has two early-means ('"
                                    + other
                                    + "' and '"
                                    + c.name()
                                    + "'), and one known level cannot stand for both");
                }
            }
        }
        List<Channel> sources =
                channels.stream()
                        .filter(c -> !c.derived() && earlyMeanOf.containsKey(c.name()))
                        .toList();
        if (sources.isEmpty()) {
            in.error(
                    at,
                    "source.early-levels",
                    "no channel here is derived by early-mean, so there is no early level to set");
            return PipelineSpec.EarlyLevels.NONE;
        }
        Path path = baseDir == null ? Path.of(file) : baseDir.resolve(file);
        if (!Files.isRegularFile(path)) {
            in.error(
                    at,
                    "source.early-levels",
                    (Files.exists(path) ? "not a regular file: " : "file not found: ") + path);
            return PipelineSpec.EarlyLevels.NONE;
        }
        try {
            PipelineSpec.EarlyLevels levels = EarlyLevelsFile.read(path, sources, in.errors());
            return levels == null ? PipelineSpec.EarlyLevels.NONE : levels;
        } catch (IOException e) {
            in.error(at, "source.early-levels", "cannot read " + path + ": " + e.getMessage());
            return PipelineSpec.EarlyLevels.NONE;
        }
    }

    private static List<TopicTemplate> topics(YamlReader in, PayloadFormat format) {
        List<Node> items = in.list("source.topics");
        if (items == null) {
            return null;
        }
        List<TopicTemplate> topics = new ArrayList<>();
        for (Node item : items) {
            String text =
                    item instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)
                            ? s.getValue()
                            : null;
            String problem =
                    text == null
                            ? "expected a topic template such as 'plant/{line}/{asset}/telemetry', found "
                                    + YamlReader.describe(item)
                            : TopicTemplate.problem(text);
            if (problem == null && text.startsWith("$share/")) {
                problem =
                        "write the plain topic; the gateway adds the shared-subscription prefix itself, found '"
                                + text
                                + "'";
            }
            if (problem == null
                    && format == PayloadFormat.SPARKPLUG_B
                    && !text.startsWith(SPARKPLUG_NAMESPACE)) {
                problem =
                        "Sparkplug B topics start with '"
                                + SPARKPLUG_NAMESPACE
                                + "' (spBv1.0/<group>/<message type>/<edge node>[/<device>]), found '"
                                + text
                                + "'";
            }
            if (problem != null) {
                in.error(item, "source.topics", problem);
            } else {
                topics.add(TopicTemplate.parse(text));
            }
        }
        return topics;
    }

    private static void checkAssetSource(
            YamlReader in, List<TopicTemplate> topics, boolean assetInPayload) {
        for (TopicTemplate topic : topics) {
            if (assetInPayload && topic.assetLevel() >= 0) {
                in.error(
                        in.at("source.asset"),
                        "source.asset",
                        "the asset id is named twice: by {asset} in '"
                                + topic.template()
                                + "' and by this pointer; keep one");
            } else if (!assetInPayload && topic.assetLevel() < 0) {
                in.error(
                        in.at("source.topics"),
                        "source.topics",
                        "no asset id: put {asset} in the topic template (e.g. 'plant/pumps/{asset}/telemetry') or set source.asset to a JSON Pointer, found '"
                                + topic.template()
                                + "'");
            }
        }
    }

    private static Csv csv(YamlReader in, PayloadFormat format) {
        if (format != PayloadFormat.CSV) {
            return null;
        }
        List<String> columns =
                in.node("source.csv.columns") == null ? null : in.strings("source.csv.columns");
        if (in.node("source.csv.columns") == null) {
            in.error(
                    in.at("source.csv"),
                    "source.csv.columns",
                    "missing required key 'columns' for format csv: the column names in order, e.g. [ts, vibration, pressure]");
        }
        String delimiter = in.string("source.csv.delimiter");
        if (delimiter != null && delimiter.length() != 1) {
            in.error(
                    in.at("source.csv.delimiter"),
                    "source.csv.delimiter",
                    "expected one character, found '" + delimiter + "'");
            delimiter = null;
        }
        Boolean header = in.bool("source.csv.header");
        if (columns == null || delimiter == null || header == null) {
            return null;
        }
        return new Csv(columns, delimiter.charAt(0), header);
    }

    private static void checkCsvColumns(
            YamlReader in,
            Csv csv,
            String timestampField,
            TimestampFormat timestampFormat,
            List<Channel> inputs,
            boolean oneChannel,
            String valueField) {
        if (timestampFormat != TimestampFormat.ARRIVAL
                && timestampField != null
                && !csv.columns().contains(timestampField)) {
            in.error(
                    in.at("source.timestamp.field"),
                    "source.timestamp.field",
                    "no CSV column '" + timestampField + "'; the columns are " + csv.columns());
        }
        if (oneChannel) {
            if (!csv.columns().contains(valueField)) {
                in.error(
                        in.at("source.value"),
                        "source.value",
                        "no CSV column '" + valueField + "'; the columns are " + csv.columns());
            }
            return;
        }
        for (Channel channel : inputs) {
            if (!csv.columns().contains(channel.field())) {
                in.error(
                        in.at("source.channels"),
                        "source.channels",
                        "channel '"
                                + channel.name()
                                + "' reads the CSV column '"
                                + channel.field()
                                + "', which is not among "
                                + csv.columns());
            }
        }
    }

    private static List<Channel> channels(YamlReader in) {
        List<Node> items = in.list("source.channels");
        if (items == null) {
            return null;
        }
        List<Channel> channels = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        for (Node item : items) {
            Channel channel = channel(in, item);
            if (channel == null) {
                continue;
            }
            Node first = seen.putIfAbsent(channel.name(), item);
            if (first != null) {
                in.error(
                        item,
                        "source.channels",
                        "channel '"
                                + channel.name()
                                + "' is listed twice, first on line "
                                + (first.getStartMark().getLine() + 1));
            }
            channels.add(channel);
        }
        for (int i = 0; i < channels.size(); i++) {
            Channel channel = channels.get(i);
            if (!channel.derived()) {
                continue;
            }
            boolean fromInput =
                    channels.stream()
                            .anyMatch(c -> !c.derived() && c.name().equals(channel.from()));
            if (!fromInput) {
                in.error(
                        items.get(i),
                        "source.channels.from",
                        "derived channel '"
                                + channel.name()
                                + "' is computed from '"
                                + channel.from()
                                + "', which is not an input channel; inputs: "
                                + channels.stream()
                                        .filter(c -> !c.derived())
                                        .map(Channel::name)
                                        .toList());
            }
        }
        return channels;
    }

    private static Channel channel(YamlReader in, Node item) {
        if (item instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
            return Channel.input(scalar.getValue(), scalar.getValue());
        }
        if (!(item instanceof MappingNode mapping)) {
            in.error(
                    item,
                    "source.channels",
                    "expected a channel name or a block {name, field, ...}, found "
                            + YamlReader.describe(item));
            return null;
        }
        YamlReader channel = in.item(mapping, "source.channels");
        channel.checkKeys("source.channels");
        String name = channel.string("source.channels.name");
        Derivation derivation = channel.choice("source.channels.derive", Derivation.class);
        String from = channel.string("source.channels.from");
        String field = channel.string("source.channels.field");
        Double scale = channel.number("source.channels.scale");
        Double offset = channel.number("source.channels.offset");
        Double min = channel.number("source.channels.min");
        Double max = channel.number("source.channels.max");
        Integer samples = channel.integer("source.channels.samples");
        if (derivation != null) {
            for (String inputOnly : List.of("field", "scale", "offset", "min", "max")) {
                if (channel.node("source.channels." + inputOnly) != null) {
                    channel.error(
                            channel.at("source.channels." + inputOnly),
                            "source.channels." + inputOnly,
                            "a derived channel is computed, not read: '"
                                    + inputOnly
                                    + "' does not apply");
                }
            }
            if (from == null) {
                channel.error(
                        mapping,
                        "source.channels.from",
                        "missing required key 'from': the channel '" + name + "' is derived from");
            }
        } else if (from != null) {
            channel.error(
                    channel.at("source.channels.from"),
                    "source.channels.from",
                    "'from' needs 'derive' (difference, rolling-rms or early-mean)");
        }
        if (min != null && max != null && min >= max) {
            channel.error(
                    channel.at("source.channels.max"),
                    "source.channels.max",
                    "must be above min (" + min + "), found " + max);
        }
        if (name == null || scale == null || offset == null || samples == null) {
            return null;
        }
        return new Channel(
                name,
                derivation != null ? null : field == null ? name : field,
                scale,
                offset,
                min == null ? Double.NEGATIVE_INFINITY : min,
                max == null ? Double.POSITIVE_INFINITY : max,
                derivation,
                from,
                samples);
    }

    // ---- model ----

    private static ModelLocation location(YamlReader in, Path baseDir) {
        String name = in.string("model.name");
        String path = in.string("model.path");
        String variant = in.string("model.variant");
        ModelLocation location =
                path != null
                        ? ModelLocation.directory(baseDir.resolve(path))
                        : name == null ? null : ModelLocation.shipped(name);
        return location == null || variant == null ? location : location.withVariant(variant);
    }

    private static ModelCard card(YamlReader in, Path baseDir) {
        if (in.node("model.name") != null && in.node("model.path") != null) {
            in.error(
                    in.at("model.path"),
                    "model.path",
                    "give either model.name or model.path, not both");
            return null;
        }
        if (in.node("model") instanceof MappingNode
                && in.node("model.name") == null
                && in.node("model.path") == null) {
            in.error(
                    in.at("model"),
                    "model",
                    "missing required key 'name' (a shipped model, one of "
                            + ModelLocation.shippedNames()
                            + ") or 'path'");
            return null;
        }
        ModelLocation location = location(in, baseDir);
        if (location == null) {
            return null;
        }
        String key = in.node("model.path") != null ? "model.path" : "model.name";
        try {
            ModelCard card = location.loadCard();
            if (!location.variants().contains(location.variant())) {
                in.error(
                        in.at("model.variant"),
                        "model.variant",
                        "model '"
                                + card.name()
                                + "' has no variant '"
                                + location.variant()
                                + "'; its variants are "
                                + location.variants());
                return null;
            }
            if (!WindowScorer.TASKS.contains(card.task())) {
                in.error(
                        in.at(key),
                        key,
                        "model '"
                                + card.name()
                                + "' has task '"
                                + card.task()
                                + "'; a pipeline runs anomaly models (reconstruction, forecast) or"
                                + " rul models");
                return null;
            }
            return card;
        } catch (ModelLoadException e) {
            in.error(in.at(key), key, e.getMessage());
            return null;
        }
    }

    /** The model's input columns in the model's order, after checking the names match. */
    private static List<Channel> inModelOrder(
            YamlReader in, ModelCard card, List<Channel> channels) {
        List<String> names = channels.stream().map(Channel::name).toList();
        List<String> missing = card.channels().stream().filter(c -> !names.contains(c)).toList();
        List<String> extra = names.stream().filter(c -> !card.channels().contains(c)).toList();
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
            return channels;
        }
        List<Channel> ordered = new ArrayList<>();
        for (String name : card.channels()) {
            ordered.add(channels.get(names.indexOf(name)));
        }
        return ordered;
    }

    // ---- window ----

    private static PipelineSpec.Window window(YamlReader in, ModelCard card) {
        WindowType type = in.choice("window.type", WindowType.class);
        Duration length = in.duration("window.length");
        Duration hop = in.duration("window.hop");
        Integer every = in.integer("window.every");
        Duration gap = in.duration("window.gap");
        Duration maxLength = in.duration("window.max-length");
        Duration samplePeriod = in.duration("window.sample-period");
        Resampling resampling = in.choice("window.resample", Resampling.class);
        MissingPolicy missing = in.choice("window.missing", MissingPolicy.class);
        Duration maxGap = in.duration("window.max-gap");
        Double minCoverage = in.number("window.min-coverage");
        Boolean stagger = in.bool("window.stagger");
        if (type == null) {
            return null;
        }
        String t = type.yaml();
        switch (type) {
            case SLIDING -> {
                required(in, "window.length", t);
                required(in, "window.hop", t);
            }
            case TUMBLING -> {
                required(in, "window.length", t);
                notFor(
                        in,
                        "window.hop",
                        "sliding windows (a tumbling window hops by its length)",
                        t);
                hop = length;
            }
            case COUNT -> {
                for (String key :
                        List.of(
                                "window.length",
                                "window.hop",
                                "window.sample-period",
                                "window.resample",
                                "window.max-gap")) {
                    notFor(in, key, "time windows (sliding, tumbling, session)", t);
                }
            }
            case SESSION -> {
                required(in, "window.gap", t);
                for (String key : List.of("window.length", "window.hop", "window.sample-period")) {
                    notFor(in, key, "sliding and tumbling windows", t);
                }
            }
        }
        if (type == WindowType.COUNT || type == WindowType.SESSION) {
            notFor(in, "window.stagger", "sliding and tumbling windows", t);
        }
        if (type != WindowType.COUNT) {
            notFor(in, "window.every", "count windows", t);
        }
        if (type != WindowType.SESSION) {
            notFor(in, "window.gap", "session windows", t);
            notFor(in, "window.max-length", "session windows", t);
        }
        if (type == WindowType.SLIDING
                && length != null
                && hop != null
                && hop.compareTo(length) > 0) {
            in.error(
                    in.at("window.hop"),
                    "window.hop",
                    "must not be longer than window.length ("
                            + length.toMillis()
                            + "ms), found "
                            + hop.toMillis()
                            + "ms");
        }
        if (card == null) {
            return null;
        }
        int rows = card.windowLength();
        boolean timed = type == WindowType.SLIDING || type == WindowType.TUMBLING;
        if (timed) {
            samplePeriod = checkGrid(in, card, length, samplePeriod);
        }
        if (type == WindowType.COUNT && every == null) {
            every = rows;
        }
        if (maxGap == null) {
            maxGap = timed ? length : type == WindowType.SESSION ? gap : Duration.ZERO;
        }
        return new PipelineSpec.Window(
                type,
                length,
                hop,
                every == null ? 0 : every,
                gap,
                maxLength,
                samplePeriod,
                rows,
                resampling,
                missing,
                maxGap,
                minCoverage != null ? minCoverage : type == WindowType.COUNT ? 1 : 0.9,
                stagger != null && stagger);
    }

    private static Duration checkGrid(
            YamlReader in, ModelCard card, Duration length, Duration samplePeriod) {
        if (samplePeriod == null && in.node("window.sample-period") == null) {
            samplePeriod = Duration.ofMillis(card.samplePeriodMillis());
        }
        if (samplePeriod == null) {
            return null;
        }
        if (samplePeriod.toMillis() != card.samplePeriodMillis()) {
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
        } else if (length != null) {
            long period = samplePeriod.toMillis();
            if (length.toMillis() % period != 0
                    || length.toMillis() / period != card.windowLength()) {
                in.error(
                        in.at("window.length"),
                        "window.length",
                        "model '"
                                + card.name()
                                + "' takes windows of "
                                + card.windowLength()
                                + " samples of "
                                + period
                                + "ms, so window.length must be "
                                + card.windowLength() * period
                                + "ms, found "
                                + length.toMillis()
                                + "ms");
            }
        }
        return samplePeriod;
    }

    // ---- detect ----

    private static Detect detect(YamlReader in, ModelCard card) {
        Integer k = in.integer("detect.debounce.k");
        Integer n = in.integer("detect.debounce.n");
        Double clearRatio = in.number("detect.clear");
        Duration cooldown = in.duration("detect.cooldown");
        if (k != null && n != null && k > n) {
            in.error(
                    in.at("detect.debounce.k"),
                    "detect.debounce.k",
                    "must not exceed n (" + n + "), found " + k);
        }
        Calibration calibration = null;
        if (in.node("detect.calibrate") != null) {
            Integer windows = in.integer("detect.calibrate.windows");
            Double quantile = in.number("detect.calibrate.initial-quantile");
            Double risk = in.number("detect.calibrate.risk");
            if (windows != null && quantile != null && risk != null) {
                calibration = new Calibration(windows, quantile, risk);
            }
        }
        if (card == null) {
            return null;
        }
        double threshold;
        String event;
        if (card.task().equals(ModelCard.RUL)) {
            event = "maintenance-due";
            notFor(
                    in,
                    "detect.threshold",
                    "anomaly models; a RUL model's events come from detect.horizon",
                    "rul");
            notFor(in, "detect.calibrate", "anomaly models", "rul");
            Double horizon = in.number("detect.horizon");
            threshold = horizon == null ? Double.NaN : horizon;
            if (clearRatio != null && clearRatio < 1) {
                in.error(
                        in.at("detect.clear"),
                        "detect.clear",
                        "for a RUL model the clear level is above the horizon: expected 1 or more, found "
                                + clearRatio);
            }
        } else {
            event = "anomaly";
            notFor(in, "detect.horizon", "RUL models", card.task() + " (anomaly)");
            Double fixed = in.number("detect.threshold");
            if (fixed != null && in.node("detect.calibrate") != null) {
                in.error(
                        in.at("detect.calibrate"),
                        "detect.calibrate",
                        "give either detect.threshold or detect.calibrate, not both");
            }
            threshold = fixed != null ? fixed : calibration != null ? Double.NaN : card.threshold();
            if (Double.isNaN(threshold)
                    && calibration == null
                    && in.node("detect.calibrate") == null) {
                in.error(
                        in.at("detect"),
                        "detect.threshold",
                        "model '"
                                + card.name()
                                + "' has no calibrated threshold in its card: set detect.threshold or detect.calibrate");
            }
            if (clearRatio != null && clearRatio > 1) {
                in.error(
                        in.at("detect.clear"),
                        "detect.clear",
                        "for an anomaly model the clear level is below the threshold: expected at most 1, found "
                                + clearRatio);
            }
        }
        if (k == null || n == null || clearRatio == null || cooldown == null) {
            return null;
        }
        return new Detect(event, threshold, clearRatio, calibration, k, n, cooldown);
    }

    // ---- output ----

    private static PipelineSpec.Output output(YamlReader in) {
        Integer qos = in.integer("output.qos");
        Integer topChannels = in.integer("output.top-channels");
        if (qos == null) {
            return null;
        }
        return new PipelineSpec.Output(
                topChannels == null ? 1 : topChannels,
                stream(in, "events", qos, true),
                stream(in, "health", qos, true),
                stream(in, "scores", qos, true),
                stream(in, "dead-letters", qos, false),
                stream(in, "late", qos, false));
    }

    private static Stream stream(YamlReader in, String name, int defaultQos, boolean result) {
        String p = "output." + name;
        String topic = template(in, p + ".topic", result);
        Integer qos = in.node(p + ".qos") == null ? defaultQos : in.integer(p + ".qos");
        boolean retain = false;
        double rate = 0;
        List<String> fields = PipelineOptions.RESULT_FIELDS;
        Duration interval = null;
        if (result) {
            Boolean r = in.bool(p + ".retain");
            retain = r != null && r;
            Double limit = in.node(p + ".rate-limit") == null ? null : in.rate(p + ".rate-limit");
            rate = limit == null ? 0 : limit;
            if (in.node(p + ".fields") != null) {
                fields = fields(in, p + ".fields");
            }
            if (name.equals("health")) {
                interval = in.duration(p + ".interval");
            }
        }
        return new Stream(
                topic,
                qos == null ? defaultQos : qos,
                retain,
                rate,
                fields == null ? List.of() : fields,
                interval);
    }

    private static List<String> fields(YamlReader in, String path) {
        List<String> fields = in.strings(path);
        if (fields == null) {
            return null;
        }
        for (String field : fields) {
            if (!PipelineOptions.RESULT_FIELDS.contains(field)) {
                in.error(
                        in.at(path),
                        path,
                        "expected fields from "
                                + PipelineOptions.RESULT_FIELDS
                                + ", found '"
                                + field
                                + "'"
                                + YamlReader.hint(field, PipelineOptions.RESULT_FIELDS));
            }
        }
        return fields;
    }

    private static String template(YamlReader in, String path, boolean result) {
        String topic = in.string(path);
        if (topic == null) {
            return null;
        }
        String rest = topic.replace("{pipeline}", "");
        if (result) {
            rest = rest.replace("{asset}", "").replace("{type}", "");
        }
        String allowed = result ? "{pipeline}, {asset} and {type}" : "{pipeline}";
        String problem =
                rest.contains("{") || rest.contains("}")
                        ? "only " + allowed + " may be used in this topic"
                        : topic.contains("+") || topic.contains("#")
                                ? "a topic to publish to must not contain the wildcards '+' or '#'"
                                : topic.isEmpty() ? "a topic must not be empty" : null;
        if (problem != null) {
            in.error(in.at(path), path, problem + ", found '" + topic + "'");
            return null;
        }
        return topic;
    }

    // ---- helpers ----

    private static void required(YamlReader in, String path, String type) {
        if (in.node(path) == null) {
            String key = path.substring(path.lastIndexOf('.') + 1);
            in.error(
                    in.at(path),
                    path,
                    "missing required key '"
                            + key
                            + "' for a "
                            + type
                            + " window ("
                            + PipelineOptions.OPTIONS.get(path).description()
                            + ")");
        }
    }

    private static void notFor(YamlReader in, String path, String appliesTo, String found) {
        if (in.node(path) != null) {
            in.error(
                    in.at(path), path, "applies to " + appliesTo + " only, not to '" + found + "'");
        }
    }
}
