package io.vigil.pipelines.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The editor schema ({@code config/schema/pipeline.schema.json}) and the reference table in {@code
 * docs/pipelines.md} are what {@link OptionDocs} generates from the parser's options, and schema
 * and parser agree on every fixture: a file one accepts, the other accepts, and the other way
 * round. Run with {@code -Dvigil.regenerate=true} to rewrite both files after changing an option.
 */
class PipelineSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMA = Path.of("..", "config", "schema", "pipeline.schema.json");
    private static final Path DOCS = Path.of("..", "docs", "pipelines.md");
    private static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures");
    private static final String BEGIN = "<!-- options:begin (generated from PipelineOptions) -->\n";
    private static final String END = "<!-- options:end -->";

    static String generatedSchema() throws IOException {
        return OptionDocs.schema(
                PipelineOptions.OPTIONS,
                "https://vigil.io/schema/pipeline.schema.json",
                "Vigil pipeline",
                JSON.readTree(PipelineOptions.SCHEMA_RULES));
    }

    private static boolean regenerate() {
        return Boolean.getBoolean("vigil.regenerate");
    }

    @Test
    void committedSchemaIsTheGeneratedOne() throws IOException {
        String generated = generatedSchema();
        if (regenerate()) {
            Files.writeString(SCHEMA, generated);
        }
        assertThat(Files.readString(SCHEMA))
                .as(
                        "config/schema/pipeline.schema.json is stale: run the tests with -Dvigil.regenerate=true")
                .isEqualTo(generated);
    }

    @Test
    void referenceTableIsTheGeneratedOne() throws IOException {
        String docs = Files.readString(DOCS);
        int begin = docs.indexOf(BEGIN);
        int end = docs.indexOf(END);
        assertThat(begin).as("docs/pipelines.md has the generated-table markers").isNotNegative();
        String table = OptionDocs.table(PipelineOptions.OPTIONS);
        if (regenerate()) {
            docs = docs.substring(0, begin + BEGIN.length()) + table + docs.substring(end);
            Files.writeString(DOCS, docs);
            end = docs.indexOf(END);
        }
        assertThat(docs.substring(begin + BEGIN.length(), end))
                .as(
                        "docs/pipelines.md's table is stale: run the tests with -Dvigil.regenerate=true")
                .isEqualTo(table);
    }

    @Test
    void everyKeyIsInTheTable() throws IOException {
        String docs = Files.readString(DOCS);
        for (ConfigOptions.Option option : PipelineOptions.OPTIONS.all()) {
            assertThat(docs).contains("| `" + option.path() + "` |");
        }
    }

    static Stream<Path> fixtures(String kind) throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES.resolve(kind))) {
            return files.sorted().toList().stream();
        }
    }

    static Stream<Path> valid() throws IOException {
        return fixtures("valid");
    }

    static Stream<Path> invalid() throws IOException {
        return fixtures("invalid");
    }

    static Stream<Path> modelMismatch() throws IOException {
        return fixtures("model-mismatch");
    }

    @ParameterizedTest
    @MethodSource("valid")
    void schemaAndParserBothAccept(Path file) throws IOException {
        assertThat(violations(file)).isEmpty();
        assertThat(PipelineParser.parse(file).name()).isEqualTo("fx");
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void schemaAndParserBothReject(Path file) throws IOException {
        assertThat(violations(file)).isNotEmpty();
        assertThatThrownBy(() -> PipelineParser.parse(file)).isInstanceOf(ConfigException.class);
    }

    /**
     * What only the model card can tell (the window against the model's input, the channel names,
     * whether the model exists) is beyond a schema: the editor accepts these, the parser and {@code
     * vigil validate} do not.
     */
    @ParameterizedTest
    @MethodSource("modelMismatch")
    void onlyTheParserKnowsTheModel(Path file) throws IOException {
        assertThat(violations(file)).isEmpty();
        assertThatThrownBy(() -> PipelineParser.parse(file)).isInstanceOf(ConfigException.class);
    }

    @Test
    void thereAreFixturesOfEveryKind() throws IOException {
        assertThat(valid().count()).isGreaterThanOrEqualTo(8);
        assertThat(invalid().count()).isGreaterThanOrEqualTo(12);
        assertThat(modelMismatch().count()).isGreaterThanOrEqualTo(3);
    }

    static Set<ValidationMessage> violations(Path file) throws IOException {
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(Files.readString(SCHEMA));
        Object yaml = new Yaml().load(Files.readString(file));
        JsonNode document = JSON.valueToTree(yaml);
        return schema.validate(document);
    }

    @Test
    void shippedSchemaIsStrict() throws IOException {
        JsonNode schema = JSON.readTree(Files.readString(SCHEMA));
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(List.of(schema.get("required").toString())).first().asString().contains("name");
    }
}
