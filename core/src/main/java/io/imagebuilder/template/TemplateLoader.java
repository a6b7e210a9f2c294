package io.imagebuilder.template;
import java.nio.file.Path; import java.util.*;
public final class TemplateLoader {
  public static TemplateLoader create() { return new TemplateLoader(); }
  public TemplateLoader variables(Map<String,String> explicit) { return this; }
  public TemplateLoader environment(Map<String,String> env) { return this; }
  public TemplateLoader variableFiles(List<Path> files) { return this; }
  public TemplateChain load(Path path) { throw new UnsupportedOperationException(); }
  public TemplateChain load(Path path, String name) { throw new UnsupportedOperationException(); }
  public TemplateChain loadYaml(String yaml, Path baseDir) { throw new UnsupportedOperationException(); }
}
