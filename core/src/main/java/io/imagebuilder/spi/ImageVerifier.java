package io.imagebuilder.spi;

import io.imagebuilder.VerifyReport;
import io.imagebuilder.pipeline.StepContext;
import io.imagebuilder.template.Verify;

import java.nio.file.Path;

/**
 * Proves a finished image works the way its platform uses it: boots a throwaway overlay of it with
 * {@code driver} and runs the checks {@code spec} names. Implemented by the provisioners module (VISA), found
 * with {@link java.util.ServiceLoader}. Each check is reported to {@code ctx} as a
 * {@link io.imagebuilder.BuildEvent.CheckFinished} as it ends; everything it started is gone when it returns.
 */
public interface ImageVerifier {

    VerifyReport verify(Path image, Verify spec, MachineDriver driver, StepContext ctx) throws Exception;
}
