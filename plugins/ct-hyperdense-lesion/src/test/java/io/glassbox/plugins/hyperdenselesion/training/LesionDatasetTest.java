package io.glassbox.plugins.hyperdenselesion.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LesionDatasetTest {

    private static LesionDataset dataset;

    @BeforeAll
    static void load() throws IOException {
        dataset = LesionDataset.load(HeadCtVolumeTest.project());
    }

    @Test
    void splitsAreWholeSliceRangesThatNeverTouch() {
        List<Integer> train = dataset.slices(LesionDataset.Split.TRAIN);
        List<Integer> validation = dataset.slices(LesionDataset.Split.VALIDATION);
        List<Integer> test = dataset.slices(LesionDataset.Split.TEST);
        assertTrue(train.size() >= 30, "training slices: " + train);
        assertTrue(validation.size() >= 3, "validation slices: " + validation);
        assertTrue(test.size() >= 10, "test slices: " + test);
        for (int z : train) {
            for (int held : concat(validation, test)) {
                assertTrue(Math.abs(z - held) > LesionDataset.GUARD,
                        "training slice " + z + " is within the guard of held-out slice " + held);
            }
        }
        Set<Integer> all = new HashSet<>(train);
        all.addAll(validation);
        all.addAll(test);
        assertEquals(train.size() + validation.size() + test.size(), all.size(), "a slice is in two splits");
    }

    @Test
    void lesionsLieInsideTheBrainAwayFromBoneWithTheDeclaredContrast() {
        Random random = new Random(3);
        for (int i = 0; i < 20; i++) {
            LesionDataset.Sample sample = dataset.sample(LesionDataset.Split.TEST, true, random);
            float[] original = dataset.volume().slice(sample.z());
            boolean[] bone = dataset.volume().boneSlice(sample.z());
            Intracranial brain = Intracranial.of(original, bone, sample.width(), sample.height());
            int pixels = 0;
            double raised = 0;
            for (int p = 0; p < sample.hu().length; p++) {
                if (!sample.lesionMask()[p]) {
                    continue;
                }
                pixels++;
                assertTrue(brain.brain(p), "lesion pixel outside the brain");
                assertFalse(bone[p]);
                raised += sample.hu()[p] - original[p];
            }
            double mm = dataset.volume().spacing()[0];
            double equivalentRadiusMm = Math.sqrt(pixels / Math.PI) * mm;
            assertTrue(equivalentRadiusMm > 0.6 * LesionSynthesizer.MIN_RADIUS_MM
                            && equivalentRadiusMm < 1.2 * LesionSynthesizer.MAX_RADIUS_MM,
                    "equivalent radius " + equivalentRadiusMm + " mm");
            double meanRise = raised / pixels;
            assertTrue(meanRise > LesionSynthesizer.MIN_CONTRAST_HU - 8 && meanRise < LesionSynthesizer.MAX_CONTRAST_HU + 8,
                    "mean rise " + meanRise + " HU (noise of 2 HU included)");
            int centre = sample.lesion().centreY() * sample.width() + sample.lesion().centreX();
            assertTrue(brain.distance(centre) * mm >= sample.lesion().radiusPixels() * mm + LesionSynthesizer.CLEARANCE_MM - 1e-6,
                    "centre too close to the edge of the brain");
        }
    }

    @Test
    void negativesHaveNoLesionAndFixedSetsAreReproducible() {
        List<LesionDataset.Sample> first = dataset.fixedSet(LesionDataset.Split.VALIDATION, 3, 99);
        List<LesionDataset.Sample> second = dataset.fixedSet(LesionDataset.Split.VALIDATION, 3, 99);
        assertEquals(6, first.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(i % 2 == 0, first.get(i).positive());
            assertArrayEquals(first.get(i).hu(), second.get(i).hu());
            if (!first.get(i).positive()) {
                assertNull(first.get(i).lesion());
                for (boolean inside : first.get(i).lesionMask()) {
                    assertFalse(inside);
                }
            }
        }
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
