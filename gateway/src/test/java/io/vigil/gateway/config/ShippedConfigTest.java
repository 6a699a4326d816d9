package io.vigil.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.vigil.gateway.job.Gateway;
import io.vigil.pipelines.spec.PipelineParser;
import io.vigil.pipelines.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every YAML file shipped in config/ and docs/ parses, and validates against the schema editors
 * use.
 */
class ShippedConfigTest {

    private static final Path CONFIG = Path.of("..", "config");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void gatewayFileAndItsPipelinesParse() throws IOException {
        GatewayConfig config = GatewayConfig.load(CONFIG.resolve("gateway.yaml"));
        assertThat(config.plantUrl()).isNull();
        assertThat(config.embeddedPort()).isEqualTo(1883);
        assertThat(config.upstreamUrl()).isNull();
        List<PipelineSpec> pipelines = Gateway.loadPipelines(config);
        assertThat(pipelines).extracting(PipelineSpec::name).contains("pump-anomaly");
    }

    @Test
    void everyShippedPipelineParsesAndMatchesTheSchema() throws IOException {
        JsonSchema schema = schema("pipeline.schema.json");
        try (Stream<Path> files = Files.list(CONFIG.resolve("pipelines"))) {
            List<Path> pipelines = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(pipelines).isNotEmpty();
            for (Path file : pipelines) {
                PipelineParser.parse(file);
                assertThat(
                                schema.validate(
                                        JSON.valueToTree(new Yaml().load(Files.readString(file)))))
                        .as(file.toString())
                        .isEmpty();
                assertThat(Files.readString(file))
                        .as(file + " names its schema for editors")
                        .startsWith(
                                "# yaml-language-server: $schema=../schema/pipeline.schema.json");
            }
        }
    }

    @Test
    void everyExampleInTheDocsParsesAndMatchesTheSchema() throws IOException {
        JsonSchema schema = schema("pipeline.schema.json");
        try (Stream<Path> files = Files.list(Path.of("..", "docs", "examples"))) {
            List<Path> examples = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
            for (Path file : examples) {
                PipelineParser.parse(file);
                assertThat(
                                schema.validate(
                                        JSON.valueToTree(new Yaml().load(Files.readString(file)))))
                        .as(file.toString())
                        .isEmpty();
                assertThat(Files.readString(file))
                        .as(file + " names its schema for editors")
                        .startsWith(
                                "# yaml-language-server: $schema=../../config/schema/pipeline.schema.json");
            }
        }
    }

    @Test
    void gatewayFileMatchesTheSchema() throws IOException {
        Object yaml = new Yaml().load(Files.readString(CONFIG.resolve("gateway.yaml")));
        assertThat(schema("gateway.schema.json").validate(JSON.valueToTree(yaml))).isEmpty();
    }

    private static JsonSchema schema(String name) throws IOException {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.readString(CONFIG.resolve("schema").resolve(name)));
    }
}
