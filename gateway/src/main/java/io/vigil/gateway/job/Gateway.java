package io.vigil.gateway.job;

import io.vigil.gateway.broker.EmbeddedBroker;
import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.mqtt.MqttConnectionConfig;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the embedded broker when the config names no plant broker, and the Flink job
 * on whatever environment the process runs in (an embedded MiniCluster from the command line, the
 * cluster when submitted with {@code flink run}). {@link #reload} swaps the pipelines of the
 * running job: stop with a savepoint, start again from it.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final long SAVEPOINT_TIMEOUT_MINUTES = 5;

    private final GatewayConfig config;
    private final EmbeddedBroker broker;
    private final MqttConnectionConfig plant;
    private final MqttConnectionConfig upstream;
    private final String sharedGroup;
    private volatile JobClient job;
    private volatile boolean closing;
    private volatile List<PipelineSpec> pipelines;

    private Gateway(
            GatewayConfig config,
            EmbeddedBroker broker,
            MqttConnectionConfig plant,
            MqttConnectionConfig upstream,
            String sharedGroup) {
        this.config = config;
        this.broker = broker;
        this.plant = plant;
        this.upstream = upstream;
        this.sharedGroup = sharedGroup;
    }

    /** Parses every pipeline file of the config; reports the mistakes of all files together. */
    public static List<PipelineSpec> loadPipelines(GatewayConfig config) {
        return PipelineParser.parseAll(config.pipelines());
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
            Gateway gateway =
                    new Gateway(
                            config,
                            broker,
                            connection(config, plantUrl),
                            connection(config, upstreamUrl),
                            sharedGroup(config, broker));
            gateway.submit(pipelines, null);
            LOG.info(
                    "Gateway running: {} pipeline(s), readings from {}, results to {}",
                    pipelines.size(),
                    plantUrl,
                    upstreamUrl);
            return gateway;
        } catch (Exception | Error e) {
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    private static MqttConnectionConfig connection(GatewayConfig config, String url) {
        return MqttConnectionConfig.builder(url)
                .clientIdPrefix(config.clientIdPrefix())
                .sessionExpiry(config.sessionExpiry())
                .build();
    }

    private void submit(List<PipelineSpec> specs, String savepoint) throws Exception {
        Configuration flink = flinkConfiguration(config);
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            // An operator whose settings changed has a new uid; its old state is left behind.
            flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(config.parallelism());
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        VigilJob.build(env, specs, plant, upstream, config.qos(), sharedGroup);
        job =
                env.executeAsync(
                        "vigil: "
                                + String.join(
                                        ", ", specs.stream().map(PipelineSpec::name).toList()));
        pipelines = List.copyOf(specs);
    }

    /**
     * Replaces the running pipelines: stops the job with a savepoint and starts the new one from
     * it. Operators whose uids did not change keep their state (windows, calibrated thresholds,
     * alarms); messages that arrive meanwhile wait in the broker's persistent session.
     *
     * @return the savepoint the new job started from
     */
    public synchronized String reload(List<PipelineSpec> specs) throws Exception {
        Path dir = Files.createDirectories(config.savepointDir());
        // A savepoint waits for the sinks' acknowledgements; with the upstream broker away it
        // would wait for ever. Give up instead: a failed stop-with-savepoint leaves the job
        // running.
        String savepoint =
                job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(SAVEPOINT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        LOG.info("Stopped with savepoint {}; starting {}", savepoint, names(specs));
        submit(specs, savepoint);
        return savepoint;
    }

    private static List<String> names(List<PipelineSpec> specs) {
        return specs.stream().map(PipelineSpec::name).toList();
    }

    /** The pipelines the job runs now. */
    public List<PipelineSpec> pipelines() {
        return pipelines;
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

    /** The plant broker readings come from. */
    public MqttConnectionConfig plant() {
        return plant;
    }

    public String plantUrl() {
        return plant.serverUrl();
    }

    public String upstreamUrl() {
        return upstream.serverUrl();
    }

    /** How many MQTT source readers the job runs; each reports on its status topic. */
    public int sourceReaders() {
        return sharedGroup == null ? 1 : config.parallelism();
    }

    /**
     * Blocks until the job ends for good: a job a reload replaced does not count, and a job that
     * {@link #close()} cancelled (Ctrl-C, a stop signal) ends normally.
     */
    public void awaitTermination() throws Exception {
        while (true) {
            JobClient current = job;
            try {
                current.getJobExecutionResult().get();
            } catch (ExecutionException e) {
                if (job == current && !closing) {
                    throw e;
                }
            }
            // A reload holds the lock from stopping the old job until the new one is submitted.
            synchronized (this) {
                if (job == current) {
                    return;
                }
            }
        }
    }

    /** The job running now; a reload replaces it. */
    public JobClient job() {
        return job;
    }

    /** Cancels the job, waits until its tasks have stopped, and stops the embedded broker. */
    @Override
    public void close() throws Exception {
        closing = true;
        try {
            job.cancel().get();
            // cancel() completes when the request is accepted. Wait for the tasks to stop, so the
            // sources' MQTT clients have disconnected before the broker goes away (they would
            // otherwise log a lost connection and try to reconnect while shutting down).
            job.getJobExecutionResult().exceptionally(cancelled -> null).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Cancelling the job failed (it may have ended already)", e);
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }
}
