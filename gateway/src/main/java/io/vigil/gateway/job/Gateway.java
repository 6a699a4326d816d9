package io.vigil.gateway.job;

import io.vigil.gateway.broker.EmbeddedBroker;
import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import io.vigil.pipelines.spec.SpecError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the embedded broker when the config names no plant broker, and the Flink job
 * on whatever environment the process runs in (an embedded MiniCluster from the command line, the
 * cluster when submitted with {@code flink run}).
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final EmbeddedBroker broker;
    private final JobClient job;
    private final String plantUrl;
    private final String upstreamUrl;
    private final int sourceReaders;

    private Gateway(
            EmbeddedBroker broker,
            JobClient job,
            String plantUrl,
            String upstreamUrl,
            int sourceReaders) {
        this.broker = broker;
        this.job = job;
        this.plantUrl = plantUrl;
        this.upstreamUrl = upstreamUrl;
        this.sourceReaders = sourceReaders;
    }

    /** Parses every pipeline file of the config; reports the mistakes of all files together. */
    public static List<PipelineSpec> loadPipelines(GatewayConfig config) throws IOException {
        List<PipelineSpec> pipelines = new ArrayList<>();
        List<SpecError> errors = new ArrayList<>();
        Map<String, Path> names = new HashMap<>();
        for (Path file : config.pipelines()) {
            try {
                PipelineSpec spec = PipelineParser.parse(file);
                Path other = names.putIfAbsent(spec.name(), file);
                if (other != null) {
                    errors.add(
                            new SpecError(
                                    file.toString(),
                                    1,
                                    1,
                                    "name",
                                    "pipeline name '"
                                            + spec.name()
                                            + "' is already used by "
                                            + other));
                }
                pipelines.add(spec);
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return pipelines;
    }

    /** Starts the broker (if embedded) and submits the job; returns once the job is submitted. */
    public static Gateway start(GatewayConfig config, List<PipelineSpec> pipelines)
            throws Exception {
        EmbeddedBroker broker = null;
        String plantUrl = config.plantUrl();
        if (plantUrl == null) {
            broker = EmbeddedBroker.start(config.embeddedBind(), config.embeddedPort());
            plantUrl = broker.url();
        }
        String upstreamUrl = config.upstreamUrl() == null ? plantUrl : config.upstreamUrl();
        try {
            MqttConnectionConfig plant =
                    MqttConnectionConfig.builder(plantUrl)
                            .clientIdPrefix(config.clientIdPrefix())
                            .sessionExpiry(config.sessionExpiry())
                            .build();
            MqttConnectionConfig upstream =
                    MqttConnectionConfig.builder(upstreamUrl)
                            .clientIdPrefix(config.clientIdPrefix())
                            .sessionExpiry(config.sessionExpiry())
                            .build();

            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
            env.setParallelism(config.parallelism());
            env.enableCheckpointing(config.checkpointInterval().toMillis());
            String sharedGroup = sharedGroup(config, broker);
            VigilJob.build(env, pipelines, plant, upstream, config.qos(), sharedGroup);
            JobClient job =
                    env.executeAsync(
                            "vigil: "
                                    + String.join(
                                            ", ",
                                            pipelines.stream().map(PipelineSpec::name).toList()));
            LOG.info(
                    "Gateway running: {} pipeline(s), readings from {}, results to {}",
                    pipelines.size(),
                    plantUrl,
                    upstreamUrl);
            return new Gateway(
                    broker,
                    job,
                    plantUrl,
                    upstreamUrl,
                    sharedGroup == null ? 1 : config.parallelism());
        } catch (Exception | Error e) {
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    /**
     * The shared-subscription group the source readers join, or {@code null} for one reader with a
     * plain subscription. The embedded broker (HiveMQ CE) delivers a shared subscription's backlog
     * in one batch every few seconds (measured: 1 000 messages per 2-4 s once the readers fell
     * behind a burst; see docs/mqtt.md), so on it one reader with a plain subscription, which keeps
     * up at thousands of messages per second, is both lossless and faster. The operators after the
     * source still run at the configured parallelism.
     */
    static String sharedGroup(GatewayConfig config, EmbeddedBroker broker) {
        if (broker != null || config.sharedGroup().isEmpty()) {
            return null;
        }
        return config.sharedGroup();
    }

    /**
     * Flink settings for a small gateway. They take effect where the job runs in this process; a
     * Flink cluster keeps its own.
     */
    static Configuration flinkConfiguration(GatewayConfig config) {
        Configuration flink = new Configuration();
        flink.setString(
                "metrics.reporter.vigil.factory.class", ProgressReporterFactory.class.getName());
        flink.setString(
                "metrics.reporter.vigil.interval", config.progressInterval().toMillis() + " ms");
        flink.setString("taskmanager.numberOfTaskSlots", String.valueOf(config.parallelism()));
        // An unreachable upstream broker stalls checkpoints (the sink waits for its acks); that
        // must
        // not restart the job, which would only reconnect to the same missing broker.
        flink.setString(
                "execution.checkpointing.tolerable-failed-checkpoints",
                String.valueOf(Integer.MAX_VALUE));
        return flink;
    }

    public String plantUrl() {
        return plantUrl;
    }

    public String upstreamUrl() {
        return upstreamUrl;
    }

    /** How many MQTT source readers the job runs; each reports on its status topic. */
    public int sourceReaders() {
        return sourceReaders;
    }

    public JobClient job() {
        return job;
    }

    /** Cancels the job and stops the embedded broker. */
    @Override
    public void close() throws Exception {
        try {
            job.cancel().get();
        } catch (Exception e) {
            LOG.debug("Cancelling the job failed (it may have ended already)", e);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }
}
