package io.glassbox.explain;

import java.util.List;
import java.util.Locale;

/** Every method this library offers, by id. */
public final class CamMethods {

    /** In the order the reports list them. */
    public static final List<ClassActivationMap> ALL = List.of(new Cam(), new GradCam(), new GradCamPlusPlus(),
            new HiResCam(), new XGradCam(), new LayerCam(), new ScoreCam(), new AblationCam());

    private CamMethods() {
    }

    public static ClassActivationMap byId(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(m -> m.id().equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no explanation method '" + id + "'; offered: "
                        + ALL.stream().map(ClassActivationMap::id).toList()));
    }
}
