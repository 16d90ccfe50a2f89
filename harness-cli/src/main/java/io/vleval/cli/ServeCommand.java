package io.vleval.cli;

import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.yaml.Problems;
import io.vleval.core.yaml.SpecBinder;
import io.vleval.core.yaml.YamlNode;
import io.vleval.core.yaml.YamlReader;
import io.vleval.serve.ChatServer;
import io.vleval.serve.ServeListener;
import io.vleval.serve.ServeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vleval serve}: serves one chat model over an OpenAI-compatible HTTP API until SIGINT or
 * SIGTERM. The model is an entry of a run config's {@code models:} or an InternVL checkpoint or
 * preset named directly.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve a chat model over an OpenAI-compatible HTTP API (GET /v1/models, POST"
            + " /v1/chat/completions, GET /health) until Ctrl-C or SIGTERM. The model is an entry"
            + " of CONFIG's models: (--model NAME; any model offering ImageChat: internvl chat,"
            + " random, openai-compatible), or an InternVL chat model given by --checkpoint DIR or"
            + " --preset NAME. Concurrent requests with equal decoding settings are answered in"
            + " batches of --batch-size.")
final class ServeCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "A run config whose models: holds the model to serve.")
  Path config;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description = "The entry of CONFIG's models: to serve (needed when it has several).")
  String model;

  @Option(
      names = "--checkpoint",
      paramLabel = "DIR",
      description = "Serve this InternVL-Chat checkpoint (HuggingFace layout) instead of a config.")
  Path checkpoint;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      description = "Serve an InternVL preset with seeded random weights (tiny-chat).")
  String preset;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      description = "With --checkpoint/--preset: auto (default), cpu, gpu:N.")
  String device;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The model name clients send (default: the config entry's name, the preset, or the"
              + " checkpoint folder's name).")
  String name;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = ServeOptions.LOOPBACK,
      description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8000",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--queue",
      paramLabel = "N",
      defaultValue = "" + ServeOptions.DEFAULT_QUEUE,
      description =
          "Requests that may wait for the model; more are answered 429 (default: ${DEFAULT-VALUE}).")
  int queue;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "" + ServeOptions.DEFAULT_BATCH_SIZE,
      description = "Waiting requests answered in one model call (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "" + ServeOptions.DEFAULT_MAX_TOKENS,
      description =
          "New tokens when a request names none, and the most one may ask (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "N",
      defaultValue = "" + ServeOptions.DEFAULT_MAX_BODY_BYTES,
      description =
          "Largest request body; larger ones are answered 413 (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes;

  @Option(
      names = "--max-image-pixels",
      paramLabel = "N",
      defaultValue = "" + ServeOptions.DEFAULT_MAX_IMAGE_PIXELS,
      description = "Largest image (width x height) decoded (default: ${DEFAULT-VALUE}).")
  long maxImagePixels;

  @Option(
      names = "--api-key-env",
      paramLabel = "NAME",
      description =
          "Require the header 'Authorization: Bearer KEY' where KEY is the value of this"
              + " environment variable (never printed).")
  String apiKeyEnv;

  /** The model to serve: its served name, provider and bound spec. */
  private record Choice(String name, String type, ModelProvider<?> provider, Record spec) {}

  @Override
  public Integer call() throws InterruptedException {
    Console console = parent.console;
    ServeOptions options = options();
    PluginRegistry registry =
        PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
    Path cache = ConfigLoader.defaultCache(System::getenv);
    Choice choice;
    if (config != null) {
      if (checkpoint != null || preset != null || device != null) {
        throw usage("give CONFIG with --model, or --checkpoint/--preset, not both");
      }
      RunConfig run = new ConfigLoader(registry).load(config);
      choice = fromConfig(run, registry);
      cache = run.run().cache();
    } else {
      choice = direct(registry, options);
    }
    if (!capabilities(choice).contains(ImageChat.class)) {
      throw new VlevalException(
          "model '"
              + choice.name()
              + "' (type "
              + choice.type()
              + ") offers no ImageChat, which vleval serve needs; serve a chat model (internvl with a"
              + " chat checkpoint or preset tiny-chat, random, openai-compatible)");
    }
    ChatServer server = ChatServer.open(options, new Listener(console, common.verbose));
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              try {
                cleanedUp.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "vleval-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      console
          .err()
          .println(
              "listening on "
                  + server.baseUrl()
                  + "; loading model '"
                  + choice.name()
                  + "' ("
                  + choice.type()
                  + ")");
      try (Model loaded = load(choice, new PluginContext(0, cache, 1))) {
        server.serve(choice.name(), loaded.require(ImageChat.class));
        console
            .out()
            .println(
                "serving '"
                    + choice.name()
                    + "' at "
                    + server.baseUrl()
                    + " (queue "
                    + options.queue()
                    + ", batch "
                    + options.batchSize()
                    + (options.apiKey() == null ? "" : ", API key from $" + apiKeyEnv)
                    + "); stop with Ctrl-C");
        console.out().flush();
        server.awaitClosed();
      } finally {
        server.close();
      }
      console.err().println("stopped serving '" + choice.name() + "'");
      console.err().flush();
    } finally {
      cleanedUp.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down (a signal): the hook is running and needs no removal
      }
    }
    return ExitCode.OK;
  }

  private ServeOptions options() {
    String key = null;
    if (apiKeyEnv != null) {
      key = System.getenv(apiKeyEnv);
      if (key == null || key.isEmpty()) {
        throw usage(
            "--api-key-env "
                + apiKeyEnv
                + ": the environment variable "
                + apiKeyEnv
                + " is not set or empty; export the key clients must send in it");
      }
    }
    positive("--port", port, 0, 65535);
    positive("--queue", queue, 1, Integer.MAX_VALUE);
    positive("--batch-size", batchSize, 1, Integer.MAX_VALUE);
    positive("--max-tokens", maxTokens, 1, Integer.MAX_VALUE);
    positive("--max-body-bytes", maxBodyBytes, 1, Integer.MAX_VALUE - 8);
    positive("--max-image-pixels", maxImagePixels, 1, 400_000_000L);
    return new ServeOptions(
        host,
        port,
        queue,
        batchSize,
        maxTokens,
        maxBodyBytes,
        maxImagePixels,
        ServeOptions.DEFAULT_HANDLER_THREADS,
        key);
  }

  private static void positive(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw usage(option + " is " + value + "; expected a whole number from " + min + " to " + max);
    }
  }

  private static VlevalException usage(String message) {
    return new VlevalException(message);
  }

  private Choice fromConfig(RunConfig run, PluginRegistry registry) {
    List<ModelEntry> models = run.models();
    List<String> names = models.stream().map(ModelEntry::name).toList();
    ModelEntry entry;
    if (model == null) {
      if (models.size() != 1) {
        throw usage(
            config
                + " has "
                + models.size()
                + " models; choose one with --model (one of: "
                + String.join(", ", names)
                + ")");
      }
      entry = models.get(0);
    } else {
      entry =
          models.stream()
              .filter(m -> m.name().equals(model))
              .findFirst()
              .orElseThrow(
                  () ->
                      usage(
                          "--model "
                              + model
                              + ": "
                              + config
                              + " has no such entry in models: (it has "
                              + String.join(", ", names)
                              + ")"));
    }
    return new Choice(
        name != null ? name : entry.name(),
        entry.type(),
        registry.model(entry.type()),
        entry.spec());
  }

  private Choice direct(PluginRegistry registry, ServeOptions options) {
    if (model != null) {
      throw usage(
          "--model names an entry of CONFIG; give CONFIG too, or use --checkpoint/--preset");
    }
    if ((checkpoint == null) == (preset == null)) {
      throw usage(
          "name the model to serve: CONFIG --model NAME, --checkpoint DIR or --preset NAME (one of"
              + " them)");
    }
    if (checkpoint != null && !Files.isDirectory(checkpoint)) {
      throw usage("--checkpoint " + checkpoint + ": no such directory");
    }
    StringBuilder yaml = new StringBuilder();
    if (checkpoint != null) {
      yaml.append("checkpoint: ").append(quoted(checkpoint.toString())).append('\n');
    } else {
      yaml.append("preset: ").append(quoted(preset)).append('\n');
    }
    if (device != null) {
      yaml.append("device: ").append(quoted(device)).append('\n');
    }
    // the model decodes a whole server batch in one batched generation
    yaml.append("batch_size: ").append(options.batchSize()).append('\n');
    String display = checkpoint != null ? "--checkpoint" : "--preset";
    YamlNode node = new YamlReader().parse(yaml.toString(), display);
    ModelProvider<?> provider = registry.model("internvl");
    Problems problems = new Problems();
    Record spec =
        new SpecBinder(Path.of(""), System::getenv)
            .bind(
                provider.specType(),
                (YamlNode.Mapping) node,
                Set.of(),
                "the model of vleval serve",
                problems);
    problems.throwIfAny();
    String served =
        name != null
            ? name
            : checkpoint != null
                ? checkpoint.toAbsolutePath().normalize().getFileName().toString()
                : preset;
    return new Choice(served, "internvl", provider, spec);
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Set<Class<? extends Capability>> capabilities(Choice c) {
    ModelProvider provider = c.provider();
    return provider.capabilities(c.spec());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Model load(Choice c, PluginContext context) {
    ModelProvider provider = c.provider();
    return provider.load(c.spec(), context);
  }

  /** Tells the console what the server's threads report. */
  private record Listener(Console console, boolean verbose) implements ServeListener {
    @Override
    public void modelFailed(List<String> ids, RuntimeException failure) {
      console
          .err()
          .println(
              "error: the model failed on "
                  + (ids.isEmpty() ? "a request" : String.join(", ", ids))
                  + " (answered 500): "
                  + (failure instanceof VlevalException
                      ? failure.getMessage()
                      : "internal error: " + failure));
      if (verbose) {
        failure.printStackTrace(console.err());
      }
      console.err().flush();
    }

    @Override
    public void replyFailed(String id, Exception failure) {
      if (verbose) {
        console
            .err()
            .println(
                "warning: the reply to "
                    + (id == null ? "a request" : id)
                    + " could not be sent: "
                    + failure.getMessage());
        console.err().flush();
      }
    }
  }
}
