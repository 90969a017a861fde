package ncd.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The backends on the class path. */
public final class Backends {
    private Backends() {}

    public static List<Backend> all() {
        List<Backend> out = new ArrayList<>();
        for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) out.add(b);
        return out;
    }

    public static Optional<Backend> named(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
