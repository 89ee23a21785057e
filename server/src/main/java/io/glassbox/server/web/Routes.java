package io.glassbox.server.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every route the HTTP API serves, read from the JAX-RS resource classes at start-up (each is a CDI bean), so a
 * new resource method is known here without being listed anywhere: the metrics keep only these templates as
 * {@code uri} labels ({@link HttpMetricsLabels}), and the bad-input test sends hostile requests to each of them.
 */
@ApplicationScoped
public class Routes {

    /** {@code {name}} or {@code {name: regex}} in a JAX-RS template. */
    private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("\\{\\s*([^:}\\s]+)\\s*(?::[^}]*)?}");

    /**
     * One resource method.
     *
     * @param httpMethod      GET, POST, …
     * @param template        the path template, normalised ({@code /dicomweb/studies/{study}}, regexes dropped)
     * @param pathParameters  the template's parameter names, in order
     * @param queryParameters the {@code @QueryParam}s the method declares (QIDO-RS reads its own from the URI)
     */
    public record Route(String httpMethod, String template, List<String> pathParameters,
                        List<String> queryParameters) {
    }

    private final List<Route> routes;
    private final Set<String> templates;
    /** Each route's template as a regular expression over a request path (parameters with their own regexes). */
    private final Map<Route, Pattern> patterns = new HashMap<>();

    public Routes(BeanManager beans) {
        List<Route> found = new ArrayList<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path root = type.getAnnotation(Path.class);
            if (root != null) {
                routesOf(type, root.value(), found);
            }
        }
        found.sort(Comparator.comparing(Route::template).thenComparing(Route::httpMethod));
        this.routes = List.copyOf(found);
        Set<String> t = new LinkedHashSet<>();
        found.forEach(r -> t.add(r.template()));
        this.templates = Collections.unmodifiableSet(t);
    }

    public List<Route> all() {
        return routes;
    }

    /** The distinct path templates, normalised as {@link #normalise} does. */
    public Set<String> templates() {
        return templates;
    }

    private void routesOf(Class<?> type, String rootPath, List<Route> out) {
        for (Method m : type.getMethods()) {
            String httpMethod = httpMethodOf(m);
            if (httpMethod == null) {
                continue;
            }
            Path sub = m.getAnnotation(Path.class);
            String raw = slashes(rootPath + "/" + (sub == null ? "" : sub.value()));
            String template = normalise(raw);
            List<String> pathParameters = new ArrayList<>();
            Matcher names = TEMPLATE_PARAMETER.matcher(template);
            while (names.find()) {
                pathParameters.add(names.group(1));
            }
            List<String> queryParameters = new ArrayList<>();
            for (Parameter p : m.getParameters()) {
                QueryParam q = p.getAnnotation(QueryParam.class);
                if (q != null) {
                    queryParameters.add(q.value());
                }
            }
            Route route = new Route(httpMethod, template, List.copyOf(pathParameters), List.copyOf(queryParameters));
            out.add(route);
            patterns.put(route, pattern(raw));
        }
    }

    /** A JAX-RS template as a regular expression: {@code {name}} is one segment, {@code {name: re}} is re. */
    private static Pattern pattern(String rawTemplate) {
        StringBuilder re = new StringBuilder();
        Matcher m = TEMPLATE_PARAMETER.matcher(rawTemplate);
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(rawTemplate.substring(last, m.start())));
            String parameter = m.group();
            int colon = parameter.indexOf(':');
            re.append('(').append(colon < 0 ? "[^/]+" : parameter.substring(colon + 1, parameter.length() - 1).trim())
                    .append(')');
            last = m.end();
        }
        re.append(Pattern.quote(rawTemplate.substring(last))).append("/?");
        return Pattern.compile(re.toString());
    }

    /**
     * The methods the routes matching {@code path} serve, as a 405's Allow header lists them (HEAD with GET,
     * OPTIONS always: the framework answers both).
     */
    public Set<String> allowedMethods(String path) {
        Set<String> methods = new TreeSet<>();
        for (Route r : routes) {
            if (patterns.get(r).matcher(path).matches()) {
                methods.add(r.httpMethod());
                if (r.httpMethod().equals("GET")) {
                    methods.add("HEAD");
                }
            }
        }
        if (!methods.isEmpty()) {
            methods.add("OPTIONS");
        }
        return methods;
    }

    private static String httpMethodOf(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    /**
     * A path template in one form: a leading '/', no doubled or trailing '/', parameters as {@code {name}}
     * without their regular expressions.
     */
    public static String normalise(String template) {
        return slashes(TEMPLATE_PARAMETER.matcher(template).replaceAll("{$1}"));
    }

    private static String slashes(String path) {
        String t = ("/" + path).replaceAll("/{2,}", "/");
        return t.length() > 1 && t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }
}
