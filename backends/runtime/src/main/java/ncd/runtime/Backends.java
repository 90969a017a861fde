package ncd.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The backends on the class path, found through {@link ServiceLoader}. */
public final class Backends {
    private Backends() {}

    /** The backend every other is compared with, always installed. */
    public static final String REFERENCE = "interp";

    /** Every installed backend, by name. */
    public static List<Backend> all() {
        List<Backend> out = new ArrayList<>();
        for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) out.add(b);
        out.sort(Comparator.comparing(Backend::name));
        return out;
    }

    /** The installed backends that can run here. */
    public static List<Backend> available() { return all().stream().filter(Backend::isAvailable).toList(); }

    public static Optional<Backend> named(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** "jvm" (bytecode generated for the circuit) when it is installed and can run here, else the reference interpreter. */
    public static String defaultName() {
        return named("jvm").filter(Backend::isAvailable).isPresent() ? "jvm" : REFERENCE;
    }

    /** What {@code --backend auto} means: "cuda" where it is installed and can run (an NVIDIA driver), else {@link #defaultName()}. */
    public static String autoName() {
        return named("cuda").filter(Backend::isAvailable).isPresent() ? "cuda" : defaultName();
    }

    /** Installed backends as {@code name (available|not available here)}, for messages. */
    public static String describeInstalled() {
        List<String> out = new ArrayList<>();
        for (Backend b : all()) out.add(b.name() + (b.isAvailable() ? "" : " (not available here)"));
        return String.join(", ", out);
    }
}
