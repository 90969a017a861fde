package ncd.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ncdc doc}: placeholder while the doc site is built. */
@Command(name = "doc", description = "Generate a static HTML site of the circuits of a module (not yet).")
final class DocCommand implements Callable<Integer> {
    @Override public Integer call() {
        return Main.USAGE;
    }
}
