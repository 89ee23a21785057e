package io.glassbox.server.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A class loader that looks in its own jars first (so a plugin's libraries win over anything the host or the
 * runtime carries), except for the packages it must share with its parent, which the parent loads first: the
 * JDK, the plugin API, and what the layer below provides.
 */
public final class PluginClassLoader extends URLClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    /** Always from the parent: the platform. */
    private static final List<String> PLATFORM = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.",
            "org.xml.");

    private final List<String> parentFirst;

    /**
     * @param sharedPackages package prefixes ({@code io.glassbox.plugin.api.}) loaded by the parent first,
     *     in addition to the platform's
     */
    public PluginClassLoader(String name, List<URL> urls, ClassLoader parent, List<String> sharedPackages) {
        super(name, urls.toArray(URL[]::new), parent);
        List<String> prefixes = new ArrayList<>(PLATFORM);
        prefixes.addAll(sharedPackages);
        this.parentFirst = List.copyOf(prefixes);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                if (isParentFirst(name)) {
                    try {
                        loaded = getParent().loadClass(name);
                    } catch (ClassNotFoundException e) {
                        loaded = findClass(name);
                    }
                } else {
                    try {
                        loaded = findClass(name);
                    } catch (ClassNotFoundException e) {
                        loaded = getParent().loadClass(name);
                    }
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        Set<URL> urls = new LinkedHashSet<>(Collections.list(findResources(name)));
        urls.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(urls);
    }

    private boolean isParentFirst(String className) {
        for (String prefix : parentFirst) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
