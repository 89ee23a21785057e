package io.glassbox.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PluginApiTest {

    private static final int MAJOR = Integer.parseInt(PluginApi.VERSION.split("\\.")[0]);
    private static final int MINOR = Integer.parseInt(PluginApi.VERSION.split("\\.")[1]);

    @Test
    void theVersionIsMajorDotMinor() {
        assertTrue(PluginApi.isWellFormed(PluginApi.VERSION));
        assertFalse(PluginApi.isWellFormed("1"));
        assertFalse(PluginApi.isWellFormed("1.0.0"));
        assertFalse(PluginApi.isWellFormed(null));
    }

    @Test
    void theSameVersionAndOlderMinorsOfTheSameMajorAreCompatible() {
        assertEquals(Optional.empty(), PluginApi.incompatibility(PluginApi.VERSION));
        for (int minor = 0; minor <= MINOR; minor++) {
            assertEquals(Optional.empty(), PluginApi.incompatibility(MAJOR + "." + minor));
        }
    }

    @Test
    void anotherMajorIsRefusedWithTheReason() {
        String newer = (MAJOR + 1) + ".0";
        assertEquals(Optional.of("built against plugin API " + newer + ", but this server provides plugin API "
                + PluginApi.VERSION + " and runs only plugins built against API " + MAJOR + ".x (at most "
                + PluginApi.VERSION + "); rebuild the plugin against API " + PluginApi.VERSION),
                PluginApi.incompatibility(newer));
        if (MAJOR > 0) {
            assertTrue(PluginApi.incompatibility((MAJOR - 1) + "." + (MINOR + 5)).isPresent());
        }
    }

    @Test
    void aNewerMinorIsRefusedWithTheReason() {
        String newer = MAJOR + "." + (MINOR + 1);
        assertEquals(Optional.of("built against plugin API " + newer + ", newer than this server's plugin API "
                + PluginApi.VERSION + "; update the server, or use a version of the plugin built against API "
                + PluginApi.VERSION + " or older"), PluginApi.incompatibility(newer));
    }

    @Test
    void aMalformedVersionIsNotJudged() {
        assertThrows(IllegalArgumentException.class, () -> PluginApi.incompatibility("one"));
        assertThrows(IllegalArgumentException.class, () -> PluginApi.incompatibility(null));
    }
}
