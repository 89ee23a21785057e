package io.glassbox.plugins.hyperdenselesion.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads Debian's invesalius-examples head CT (apt-get install invesalius-examples). */
class HeadCtVolumeTest {

    static Path project() {
        return Path.of(System.getProperty("glassbox.cranium", HeadCtVolume.DEBIAN_CRANIUM.toString()));
    }

    @Test
    void readsTheVolumeItsSpacingAndABoneMaskAlignedWithIt() throws IOException {
        HeadCtVolume volume = HeadCtVolume.readInvesalius(project());
        assertEquals(108, volume.depth());
        assertEquals(256, volume.height());
        assertEquals(256, volume.width());
        assertArrayEquals(new double[] {0.9570312, 0.9570312, 1.5}, volume.spacing(), 1e-6);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        long disagreements = 0;
        for (int i = 0; i < volume.hu().length; i++) {
            min = Math.min(min, volume.hu()[i]);
            max = Math.max(max, volume.hu()[i]);
            // InVesalius made the bone mask by thresholding at 226 HU: one voxel off in any axis would show here
            if (volume.bone()[i] != (volume.hu()[i] >= 226)) {
                disagreements++;
            }
        }
        assertEquals(-1024, min);
        assertEquals(2986, max);
        assertEquals(0, disagreements, "bone mask misaligned with the voxels");
        float[] centre = volume.slice(60);
        double sum = 0;
        for (int y = 112; y < 144; y++) {
            for (int x = 112; x < 144; x++) {
                sum += centre[y * 256 + x];
            }
        }
        double mean = sum / (32 * 32);
        assertTrue(mean > 0 && mean < 40, "the middle of slice 60 is brain or CSF, mean " + mean + " HU");
    }

    @Test
    void aMissingProjectSaysWhichPackageToInstall() {
        IOException e = assertThrows(IOException.class, () -> HeadCtVolume.readInvesalius(Path.of("/nonexistent.inv3")));
        assertTrue(e.getMessage().contains("invesalius-examples"), e.getMessage());
    }
}
