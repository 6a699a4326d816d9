package io.vigil.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFiltersTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "plant/+/data, plant/p1/data, true",
        "plant/+/data, plant/p1/status, false",
        "plant/+/data, plant//data, true",
        "plant/+/data, plant/p1/data/x, false",
        "plant/#, plant, true",
        "plant/#, plant/a/b/c, true",
        "plant/#, plantx/a, false",
        "#, plant/a, true",
        "#, $SYS/broker/load, false",
        "+/a, $SYS/a, false",
        "a/b, a/b, true",
        "a/b, a/bc, false",
        "a/+, a, false",
    })
    void matchesAsMqtt5Defines(String filter, String topic, boolean matches) {
        assertThat(TopicFilters.matches(filter, topic)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a/#/b  | '#' must be a whole level and the last one, found 'a/#/b'",
                "a/b#   | '#' must be a whole level and the last one, found 'a/b#'",
                "a/b+/c | '+' must be a whole level, found 'a/b+/c'",
            })
    void rejectsMalformedFilters(String filter, String problem) {
        assertThat(TopicFilters.problem(filter)).isEqualTo(problem);
    }

    @ParameterizedTest(name = "{0}[{1}]")
    @CsvSource({"plant/p1/data, 0, plant", "plant/p1/data, 1, p1", "plant/p1/data, 2, data"})
    void levels(String topic, int index, String level) {
        assertThat(TopicFilters.level(topic, index)).isEqualTo(level);
    }
}
