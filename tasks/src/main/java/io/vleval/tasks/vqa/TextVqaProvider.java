package io.vleval.tasks.vqa;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageChat;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.api.spec.Doc;
import io.vleval.api.task.Task;
import java.util.Set;

/**
 * TextVQA with the image's OCR tokens in the prompt (LLaVA's question file), scored by the m4c
 * evaluator with LLaVA's question lookup.
 */
public final class TextVqaProvider implements TaskProvider<TextVqaProvider.Spec> {

  /** Protocol settings; every default is the paper's evaluation. */
  public record Spec(
      @Doc(
              "llava (default: InternVL-Chat's LLaVA-based scripts, the paper's numbers) or internvl-chat (internvl_chat/eval/vqa/evaluate_vqa.py)")
          String protocol,
      @Doc(
              "per-question accuracy: vqa-2016, vqa-2021, m4c, vizwiz, evalai+vqa-2021 or evalai+vizwiz (default m4c)")
          String scorer,
      @Doc("text after the question (default: the protocol's)") String instruction,
      @Doc("the image's OCR tokens in the prompt (default: llava true, internvl-chat false)")
          Boolean ocrTokens,
      @Doc("minimum new tokens (default: llava 0, internvl-chat 1)") Integer minNewTokens,
      @Doc("maximum new tokens (default: llava 128, internvl-chat 10)") Integer maxNewTokens,
      @Doc("bootstrap resamples over questions (default 1000; 0 for none)") Integer resamples) {
    public Spec {
      protocol = VqaProtocol.protocolOrDefault(protocol);
      scorer =
          scorer == null ? VqaProtocol.defaultScorer(Benchmark.TEXTVQA, protocol).id() : scorer;
      VqaScorer.byId(scorer);
      instruction =
          instruction == null
              ? VqaProtocol.defaultInstruction(Benchmark.TEXTVQA, protocol)
              : instruction;
      ocrTokens = ocrTokens == null ? VqaProtocol.llava(protocol) : ocrTokens;
      minNewTokens = minNewTokens == null ? (VqaProtocol.llava(protocol) ? 0 : 1) : minNewTokens;
      maxNewTokens =
          maxNewTokens == null ? VqaProtocol.defaultMaxNewTokens(protocol) : maxNewTokens;
      resamples = resamples == null ? 1000 : resamples;
      Specs.check(minNewTokens, maxNewTokens, resamples);
    }
  }

  @Override
  public String type() {
    return "textvqa";
  }

  @Override
  public String description() {
    return "TextVQA: OCR-token prompt, greedy, m4c accuracy with LLaVA's question lookup (scorer variants)";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType() {
    return VisualQuestion.class;
  }

  @Override
  public Set<Class<? extends Capability>> requiredCapabilities(Spec spec) {
    return Set.of(ImageChat.class);
  }

  @Override
  public Task<?, ?> create(Spec spec) {
    return VqaTask.create(protocol(spec));
  }

  /** The settings a spec resolves to. */
  static VqaProtocol protocol(Spec spec) {
    Spec defaults = new Spec(spec.protocol(), null, null, null, null, null, spec.resamples());
    return new VqaProtocol(
        Benchmark.TEXTVQA,
        spec.protocol(),
        VqaScorer.byId(spec.scorer()),
        null,
        spec.instruction(),
        spec.ocrTokens(),
        VqaProtocol.llava(spec.protocol()),
        spec.minNewTokens(),
        spec.maxNewTokens(),
        spec.resamples(),
        "llava".equals(spec.protocol()) && spec.equals(defaults));
  }
}
