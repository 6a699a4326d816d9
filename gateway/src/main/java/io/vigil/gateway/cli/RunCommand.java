package io.vigil.gateway.cli;

import io.vigil.gateway.config.GatewayConfig;
import io.vigil.gateway.job.Gateway;
import io.vigil.gateway.job.PipelineWatcher;
import io.vigil.pipelines.spec.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil run}: runs the gateway until the job ends or the process is stopped. */
@Command(name = "run", description = "Run the gateway with the pipelines named in gateway.yaml.")
final class RunCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            defaultValue = "config/gateway.yaml",
            description = "Gateway file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() throws Exception {
        GatewayConfig gatewayConfig;
        try {
            gatewayConfig = GatewayConfig.load(config);
            Gateway gateway = Gateway.start(gatewayConfig, Gateway.loadPipelines(gatewayConfig));
            PipelineWatcher watcher =
                    gatewayConfig.watchPipelines()
                            ? PipelineWatcher.start(gateway, gatewayConfig)
                            : null;
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        closeQuietly(watcher);
                                        closeQuietly(gateway);
                                    },
                                    "vigil-shutdown"));
            gateway.awaitTermination();
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            // Shutting down anyway.
        }
    }
}
