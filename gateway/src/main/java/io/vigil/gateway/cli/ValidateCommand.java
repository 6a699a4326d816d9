package io.vigil.gateway.cli;

import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
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
        int failed = 0;
        for (Path file : files) {
            try {
                if (!Files.isRegularFile(file)) {
                    command.commandLine().getErr().println(file + ": file not found");
                    failed++;
                    continue;
                }
                PipelineSpec spec = PipelineParser.parse(file);
                command.commandLine()
                        .getOut()
                        .printf(
                                "%s: OK (pipeline '%s', model '%s' %s, window %d x %d, threshold %s)%n",
                                file,
                                spec.name(),
                                spec.model().card().name(),
                                spec.model().card().version(),
                                spec.window().rows(),
                                spec.source().channels().size(),
                                spec.model().threshold());
            } catch (ConfigException e) {
                command.commandLine().getErr().println(e.getMessage());
                failed++;
            } catch (IOException e) {
                command.commandLine().getErr().println(file + ": cannot read: " + e.getMessage());
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
