package io.vigil.pipelines.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The editor schema ({@code config/schema/pipeline.schema.json}) and the parser know the same keys.
 */
class PipelineSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void schemaDeclaresExactlyTheParsersKeys() throws Exception {
        JsonNode schema =
                JSON.readTree(
                        Files.readString(
                                Path.of("..", "config", "schema", "pipeline.schema.json")));
        Set<String> schemaKeys = new TreeSet<>();
        collect(schema, "", schemaKeys);
        Set<String> optionKeys =
                PipelineOptions.OPTIONS.all().stream()
                        .map(ConfigOptions.Option::path)
                        .collect(Collectors.toCollection(TreeSet::new));
        assertThat(schemaKeys).isEqualTo(optionKeys);
    }

    @Test
    void schemaDefaultsAreTheParsersDefaults() throws Exception {
        JsonNode schema =
                JSON.readTree(
                        Files.readString(
                                Path.of("..", "config", "schema", "pipeline.schema.json")));
        for (ConfigOptions.Option option : PipelineOptions.OPTIONS.all()) {
            JsonNode property = property(schema, option.path());
            if (option.defaultValue() != null) {
                assertThat(property.path("default").asText())
                        .as(option.path())
                        .isEqualTo(option.defaultValue());
            }
        }
    }

    private static JsonNode property(JsonNode schema, String path) {
        JsonNode node = schema;
        for (String key : path.split("\\.")) {
            node = node.path("properties").path(key);
        }
        return node;
    }

    private static void collect(JsonNode node, String prefix, Set<String> keys) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.path("properties").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            keys.add(path);
            if (field.getValue().path("type").asText().equals("object")) {
                collect(field.getValue(), path, keys);
            }
        }
    }
}
