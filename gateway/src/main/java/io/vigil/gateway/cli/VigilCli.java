package io.vigil.gateway.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line. */
@Command(
        name = "vigil",
        mixinStandardHelpOptions = true,
        version = "vigil 0.1.0",
        description =
                "Stream analytics for factory gateways: MQTT in, Flink windows, ONNX models, results out.",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            ValidateCommand.class,
            ExplainCommand.class,
            EvalCommand.class,
            SimulateCommand.class,
            CommandLine.HelpCommand.class
        })
public final class VigilCli {

    public static void main(String[] args) {
        // Paho logs through java.util.logging; route it into logback with everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new VigilCli()).execute(args));
    }
}
