package io.vigil.gateway.config;

import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.ConfigOptions;
import io.vigil.pipelines.spec.ConfigOptions.Option;
import io.vigil.pipelines.spec.ConfigOptions.Type;
import io.vigil.pipelines.spec.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's own settings from {@code gateway.yaml}: the plant broker (or the embedded one), the
 * upstream broker for results, the pipelines to run and the Flink settings. Checked as strictly as
 * a pipeline file.
 *
 * @param plantUrl the plant broker, or {@code null} to start the embedded broker
 * @param embeddedBind address the embedded broker listens on
 * @param embeddedPort port the embedded broker listens on
 * @param qos subscription QoS for readings
 * @param clientIdPrefix prefix of every MQTT client id of this gateway
 * @param sharedGroup shared-subscription group of the source readers
 * @param sessionExpiry how long the broker keeps the gateway's sessions while it is away
 * @param upstreamUrl the broker results go to, or {@code null} for the plant broker
 * @param pipelines pipeline files, resolved against the config file's folder
 * @param parallelism Flink parallelism of every operator
 * @param checkpointInterval time between checkpoints
 * @param savepointDir where a live reload's savepoints go
 * @param watchPipelines whether edits to the pipeline files are reloaded while running
 * @param progressInterval time between two progress lines in the log
 */
public record GatewayConfig(
        String plantUrl,
        String embeddedBind,
        int embeddedPort,
        int qos,
        String clientIdPrefix,
        String sharedGroup,
        Duration sessionExpiry,
        String upstreamUrl,
        List<Path> pipelines,
        int parallelism,
        Duration checkpointInterval,
        Path savepointDir,
        boolean watchPipelines,
        Duration progressInterval) {

    public static final ConfigOptions OPTIONS =
            new ConfigOptions(
                    List.of(
                            new Option(
                                    "broker",
                                    Type.BLOCK,
                                    null,
                                    false,
                                    "The plant broker sensors publish to."),
                            new Option(
                                    "broker.url",
                                    Type.STRING,
                                    null,
                                    false,
                                    "tcp://host:port of the plant broker; absent: start the embedded broker."),
                            new Option(
                                    "broker.embedded",
                                    Type.BLOCK,
                                    null,
                                    false,
                                    "The embedded broker, used when broker.url is absent."),
                            new Option(
                                    "broker.embedded.bind",
                                    Type.STRING,
                                    "127.0.0.1",
                                    false,
                                    "Address the embedded broker listens on (0.0.0.0 for the whole network)."),
                            new Option(
                                    "broker.embedded.port",
                                    Type.INTEGER,
                                    "1883",
                                    false,
                                    "Port the embedded broker listens on."),
                            new Option(
                                    "broker.qos",
                                    Type.INTEGER,
                                    "1",
                                    false,
                                    "Subscription QoS for readings: 0 or 1."),
                            new Option(
                                    "broker.client-id-prefix",
                                    Type.STRING,
                                    "vigil",
                                    false,
                                    "Prefix of this gateway's MQTT client ids; unique per gateway on a broker."),
                            new Option(
                                    "broker.shared-group",
                                    Type.STRING,
                                    "vigil",
                                    false,
                                    "MQTT 5 shared-subscription group of the source readers on an external broker (the embedded broker uses one reader with a plain subscription); empty for a plain subscription."),
                            new Option(
                                    "broker.session-expiry",
                                    Type.DURATION,
                                    "1h",
                                    false,
                                    "How long the broker queues readings while the gateway is away."),
                            new Option(
                                    "upstream",
                                    Type.BLOCK,
                                    null,
                                    false,
                                    "The broker results go to."),
                            new Option(
                                    "upstream.url",
                                    Type.STRING,
                                    null,
                                    false,
                                    "tcp://host:port of the upstream broker; absent: the plant broker."),
                            new Option(
                                    "pipelines",
                                    Type.STRINGS,
                                    null,
                                    true,
                                    "Pipeline files to run, relative to this file."),
                            new Option("flink", Type.BLOCK, null, false, "Flink settings."),
                            new Option(
                                    "flink.parallelism",
                                    Type.INTEGER,
                                    "1",
                                    false,
                                    "Parallelism of every operator (source readers share the subscription)."),
                            new Option(
                                    "flink.checkpoint-interval",
                                    Type.DURATION,
                                    "10s",
                                    false,
                                    "Time between checkpoints."),
                            new Option(
                                    "flink.savepoint-dir",
                                    Type.STRING,
                                    null,
                                    false,
                                    "Where live reloads keep their savepoints, relative to this file; default: a folder under the system's temp folder."),
                            new Option(
                                    "watch-pipelines",
                                    Type.BOOLEAN,
                                    "true",
                                    false,
                                    "Reload a pipeline file when it is edited: valid edits restart the job from a savepoint, invalid ones are reported and the running pipelines go on."),
                            new Option(
                                    "progress-interval",
                                    Type.DURATION,
                                    "5s",
                                    false,
                                    "Time between two progress lines in the log.")));

    /** Reads and checks a gateway file. */
    public static GatewayConfig load(Path file) throws IOException {
        return parse(file.toString(), Files.readString(file), file.toAbsolutePath().getParent());
    }

    /** Parses gateway YAML; pipeline paths are resolved against {@code baseDir}. */
    public static GatewayConfig parse(String fileName, String yaml, Path baseDir) {
        YamlReader in =
                new YamlReader(fileName, OPTIONS, YamlReader.compose(fileName, yaml, OPTIONS));
        in.checkKeys("");
        String plantUrl = url(in, "broker.url");
        String bind = in.string("broker.embedded.bind");
        Integer port = in.integer("broker.embedded.port", 0, 65_535);
        Integer qos = in.integer("broker.qos", 0, 1);
        String prefix = in.string("broker.client-id-prefix");
        String group = in.string("broker.shared-group");
        Duration expiry = in.duration("broker.session-expiry");
        String upstreamUrl = url(in, "upstream.url");
        List<String> files = in.strings("pipelines");
        Integer parallelism = in.integer("flink.parallelism", 1, 256);
        Duration checkpoints = in.duration("flink.checkpoint-interval");
        Duration progress = in.duration("progress-interval");
        String savepoints = in.string("flink.savepoint-dir");
        Boolean watch = in.bool("watch-pipelines");
        Path savepointDir =
                savepoints != null
                        ? baseDir.resolve(savepoints).normalize()
                        : Path.of(
                                System.getProperty("java.io.tmpdir"),
                                "vigil-savepoints",
                                prefix == null ? "vigil" : prefix);

        List<Path> pipelines = new ArrayList<>();
        if (files != null) {
            for (String file : files) {
                Path path = baseDir.resolve(file).normalize();
                if (!Files.isRegularFile(path)) {
                    in.error(in.at("pipelines"), "pipelines", "pipeline file not found: " + path);
                }
                pipelines.add(path);
            }
        }
        if (!in.errors().isEmpty()) {
            throw new ConfigException(in.errors());
        }
        return new GatewayConfig(
                plantUrl,
                bind,
                port,
                qos,
                prefix,
                group,
                expiry,
                upstreamUrl,
                pipelines,
                parallelism,
                checkpoints,
                savepointDir,
                watch == null || watch,
                progress);
    }

    private static String url(YamlReader in, String path) {
        if (in.node(path) == null) {
            return null;
        }
        String url = in.string(path);
        if (url != null && !url.matches("(tcp|ssl|ws|wss)://[^:/]+(:\\d+)?/?")) {
            in.error(
                    in.at(path),
                    path,
                    "expected a broker URL such as tcp://broker:1883, found '" + url + "'");
            return null;
        }
        return url;
    }

    /** A copy with other pipeline files, for the demo and tests. */
    public GatewayConfig withPipelines(List<Path> files) {
        return new GatewayConfig(
                plantUrl,
                embeddedBind,
                embeddedPort,
                qos,
                clientIdPrefix,
                sharedGroup,
                sessionExpiry,
                upstreamUrl,
                List.copyOf(files),
                parallelism,
                checkpointInterval,
                savepointDir,
                watchPipelines,
                progressInterval);
    }
}
