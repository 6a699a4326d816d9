package io.vigil.gateway.cli;

import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil validate}: checks pipeline files and their models without running anything. */
@Command(
        name = "validate",
        description = "Check pipeline files: every mistake with file:line:column; exit 1 on any.")
final class ValidateCommand implements Callable<Integer> {

    @Spec CommandSpec command;

    @Parameters(
            arity = "1..*",
            paramLabel = "PIPELINE.yaml",
            description = "Pipeline files to check.")
    List<Path> files;

    @Override
    public Integer call() {
        List<PipelineSpec> pipelines;
        try {
            pipelines = PipelineParser.parseAll(files);
        } catch (ConfigException e) {
            command.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        for (PipelineSpec spec : pipelines) {
            command.commandLine()
                    .getOut()
                    .printf(
                            "%s: OK (pipeline '%s', %s model '%s' %s, %s window of %d x %d, %s)%n",
                            spec.file(),
                            spec.name(),
                            spec.model().card().task(),
                            spec.model().card().name(),
                            spec.model().card().version(),
                            spec.window().type().yaml(),
                            spec.window().rows(),
                            spec.source().columns().size(),
                            detection(spec.detect()));
        }
        return 0;
    }

    static String detection(PipelineSpec.Detect detect) {
        if (detect.calibration() != null) {
            return "threshold calibrated per asset on its first "
                    + detect.calibration().windows()
                    + " windows";
        }
        if (Double.isNaN(detect.threshold())) {
            return "no events (no horizon)";
        }
        return (detect.lowIsBad() ? "horizon " : "threshold ") + detect.threshold();
    }
}
