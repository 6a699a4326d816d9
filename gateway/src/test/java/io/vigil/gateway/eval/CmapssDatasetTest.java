package io.vigil.gateway.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CmapssDatasetTest {

    @TempDir Path dir;

    @Test
    void aUnitReplaysItsCyclesAsTheCycleColumn() throws Exception {
        // Unit 4's trajectory starts at cycle 3, as a file cut from a longer record would.
        Files.writeString(
                dir.resolve("test_FD001.txt"), row(4, 3, 10.0) + row(4, 4, 11.0) + row(4, 5, 12.5));
        Files.writeString(dir.resolve("RUL_FD001.txt"), "42\n");

        List<CmapssDataset.Unit> units = CmapssDataset.read(dir);

        assertThat(units).hasSize(1);
        CmapssDataset.Unit unit = units.get(0);
        assertThat(unit.asset()).isEqualTo("FD001-unit-4");
        assertThat(unit.trueRul()).isEqualTo(42.0);
        assertThat(unit.column("cycle")).containsExactly(3.0, 4.0, 5.0);
        assertThat(unit.column("s2")).containsExactly(10.0, 11.0, 12.5);
        assertThat(unit.column("s22")).isNull();
    }

    /**
     * One line of a C-MAPSS file: unit, cycle, three settings, then s1 = 1, s2, s3..s21 = 3..21.
     */
    private static String row(int unit, int cycle, double s2) {
        StringBuilder line = new StringBuilder(unit + " " + cycle + " 0.0 0.0 100.0 1 " + s2);
        for (int s = 3; s <= 21; s++) {
            line.append(' ').append(s);
        }
        return line.append('\n').toString();
    }
}
