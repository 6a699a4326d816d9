package io.vigil.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vigil.pipelines.spec.ConfigException;
import io.vigil.pipelines.spec.SpecError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {

    @Test
    void defaultsWithEveryOptionalBlockEmpty(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("p.yaml"), "");
        GatewayConfig config =
                GatewayConfig.parse("g.yaml", "broker:\nupstream:\npipelines: [p.yaml]\n", dir);
        assertThat(config.plantUrl()).isNull();
        assertThat(config.embeddedBind()).isEqualTo("127.0.0.1");
        assertThat(config.embeddedPort()).isEqualTo(1883);
        assertThat(config.qos()).isEqualTo(1);
        assertThat(config.sessionExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(config.parallelism()).isEqualTo(1);
        assertThat(config.pipelines()).containsExactly(dir.resolve("p.yaml"));
    }

    @Test
    void mistakesAreReportedWithTheirPosition(@TempDir Path dir) {
        String yaml =
                """
                broker:
                  url: localhost:1883
                  qos: 2
                pipelines: [missing.yaml]
                flink:
                  paralelism: 2
                """;
        var errors =
                catchThrowableOfType(
                                ConfigException.class,
                                () -> GatewayConfig.parse("g.yaml", yaml, dir))
                        .errors();
        assertThat(errors)
                .extracting(SpecError::toString)
                .containsExactly(
                        "g.yaml:6:3: flink.paralelism: unknown key 'paralelism' in 'flink'; allowed keys: [parallelism, checkpoint-interval, savepoint-dir]. Did you mean 'parallelism'?",
                        "g.yaml:2:8: broker.url: expected a broker URL such as tcp://broker:1883, found 'localhost:1883'",
                        "g.yaml:3:8: broker.qos: expected an integer from 0 to 1, found 2",
                        "g.yaml:4:12: pipelines: pipeline file not found: "
                                + dir.resolve("missing.yaml"));
    }

    @Test
    void editorSchemaDeclaresExactlyTheParsersKeys() throws Exception {
        com.fasterxml.jackson.databind.JsonNode schema =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(
                                Files.readString(Path.of("../config/schema/gateway.schema.json")));
        java.util.Set<String> keys = new java.util.TreeSet<>();
        collect(schema.path("properties"), "", keys);
        java.util.Set<String> options = new java.util.TreeSet<>();
        GatewayConfig.OPTIONS.all().forEach(o -> options.add(o.path()));
        assertThat(keys).isEqualTo(options);
    }

    private static void collect(
            com.fasterxml.jackson.databind.JsonNode properties,
            String prefix,
            java.util.Set<String> keys) {
        properties
                .fields()
                .forEachRemaining(
                        e -> {
                            String path = prefix + e.getKey();
                            keys.add(path);
                            collect(e.getValue().path("properties"), path + ".", keys);
                        });
    }
}
