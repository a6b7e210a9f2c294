package io.imagebuilder;

/** The build was cancelled (through its handle or by interrupting its thread); its cleanups have run. */
public class BuildCancelledException extends ImageBuildException {

    public BuildCancelledException(String stage, String step) {
        super(stage, step, "build of '" + stage + "' cancelled during step '" + step + "'", null);
    }
}
