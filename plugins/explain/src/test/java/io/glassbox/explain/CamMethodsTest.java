package io.glassbox.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.glassbox.plugin.api.ExplanationMethod;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The library's methods and the plugin API's agree: one class per API method, and no class the API does not name. */
class CamMethodsTest {

    @Test
    void everyApiMethodHasExactlyOneImplementation() {
        for (ExplanationMethod method : ExplanationMethod.values()) {
            List<ClassActivationMap> implementations = CamMethods.ALL.stream().filter(m -> m.method() == method).toList();
            assertEquals(1, implementations.size(), method + " implemented by " + implementations);
            assertEquals(method.id(), implementations.get(0).id());
            assertSame(method, CamMethods.of(method).method());
            assertSame(implementations.get(0).getClass(), CamMethods.of(method).getClass());
            assertSame(method, CamMethods.byId(method.id()).method());
        }
    }

    @Test
    void everyImplementationIsAnApiMethodAndAClassOfItsOwn() {
        assertEquals(ExplanationMethod.values().length, CamMethods.ALL.size());
        Set<Class<?>> classes = CamMethods.ALL.stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(CamMethods.ALL.size(), classes.size(), "two methods share a class: " + CamMethods.ALL);
        Set<ExplanationMethod> declared = CamMethods.ALL.stream().map(ClassActivationMap::method)
                .collect(Collectors.toSet());
        assertEquals(Set.of(ExplanationMethod.values()), declared);
    }

    @Test
    void idsAreTheApisAndUnknownOnesAreRefused() {
        assertEquals(List.of("cam", "grad-cam", "grad-cam++", "hirescam", "xgrad-cam", "layercam", "score-cam",
                "ablation-cam"), CamMethods.ALL.stream().map(ClassActivationMap::id).toList());
        assertThrows(IllegalArgumentException.class, () -> CamMethods.byId("guided-grad-cam"));
    }
}
