package io.vigil.pipelines.spec;

/**
 * One mistake in a pipeline file, where it is and what was expected.
 *
 * @param file the file as the operator named it
 * @param line 1-based line
 * @param column 1-based column
 * @param path dotted key path, e.g. {@code window.hop}; empty for the document itself
 * @param message what is wrong and what was expected
 */
public record SpecError(String file, int line, int column, String path, String message) {

    @Override
    public String toString() {
        return file
                + ":"
                + line
                + ":"
                + column
                + ": "
                + (path.isEmpty() ? "" : path + ": ")
                + message;
    }
}
