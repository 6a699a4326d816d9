package io.vigil.pipelines.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A YAML file (pipeline or gateway) has mistakes. The message lists every one, each with
 * file:line:column.
 */
public final class ConfigException extends RuntimeException {

    private final List<SpecError> errors;

    public ConfigException(List<SpecError> errors) {
        super(errors.stream().map(SpecError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<SpecError> errors() {
        return errors;
    }
}
