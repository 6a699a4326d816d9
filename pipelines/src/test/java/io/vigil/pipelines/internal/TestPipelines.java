package io.vigil.pipelines.internal;

import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.nio.file.Path;

/** Pipelines on the tiny test model (8 rows of 100 ms, channels a and b) for operator tests. */
public final class TestPipelines {

    private TestPipelines() {}

    /** An 800 ms window hopping every 400 ms; {@code extra} is appended to the YAML. */
    public static PipelineSpec tiny(String extra) {
        return PipelineParser.parse(
                "tiny.yaml",
                """
                name: tiny
                source:
                  topics: ['plant/{asset}/data']
                  channels: [a, b]
                window:
                  length: 800ms
                  hop: 400ms
                  min-coverage: 0.5
                model:
                  name: tiny-ae
                """
                        + extra,
                Path.of("."));
    }

    /** The tiny pipeline with another window block body (indented two spaces). */
    public static PipelineSpec window(String body) {
        return parse(
                """
                name: tiny
                source:
                  topics: ['plant/{asset}/data']
                  channels: [a, b]
                window:
                """
                        + "  "
                        + body
                        + "\nmodel:\n  name: tiny-ae\n");
    }

    /** A pipeline on the tiny test model from complete YAML text. */
    public static PipelineSpec parse(String yaml) {
        return PipelineParser.parse("test.yaml", yaml, Path.of("."));
    }
}
