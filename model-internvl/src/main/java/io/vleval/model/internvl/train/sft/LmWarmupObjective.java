package io.vleval.model.internvl.train.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.model.internvl.train.data.TrainingData;
import io.vleval.model.internvl.train.loop.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The LM warm-up: the chat model's tiny LLM, which stands in for the pre-trained chat LLM of the
 * reference (Vicuna-7B/13B v1.5 for v1.0, InternLM2-chat for v1.5), is trained as a causal LM on the
 * suite's text, every token a target:
 *
 * <ul>
 *   <li>each reference caption of the captions-train images, {@code BOS caption EOS};
 *   <li>text-only chat turns in the model's conversation template — multiple-choice questions of the
 *       training images (other option draws than SFT's; the answer letter is not a target, since no
 *       image goes with it), and captioning instructions with a caption —
 *       with the image block left as its placeholder tokens ({@code <img><IMG_CONTEXT>...</img>}, no
 *       image), since the LLM stood in for is a chat model that knows its template.
 * </ul>
 *
 * <p>Only {@code language_model.*} trains; the vision tower and {@code mlp1} are not used.
 */
public final class LmWarmupObjective implements Objective {

    private final ChatStageModel model;
    private final ChatSequences sequences;
    private final List<ChatSequences.Encoded> samples = new ArrayList<>();

    /**
     * @param model the chat model
     * @param tokenizer its tokenizer
     * @param data the suite
     * @param seed seeds the question and caption draws
     */
    public LmWarmupObjective(ChatStageModel model, TextTokenizer tokenizer, TrainingData data, long seed) {
        this.model = model;
        this.sequences = new ChatSequences(tokenizer, model.chat().config());
        long eos = model.chat().config().llm().eosTokenId();
        InstructionData inst = new InstructionData(data);
        for (TrainingData.Captioned c : data.captionTrain()) {
            for (String caption : c.captions()) {
                samples.add(sequences.text(caption, eos));
            }
        }
        List<InstructionData.Turn> turns = new ArrayList<>(inst.multipleChoice(data, data.classTrain(), data.captionTrain(), seed + 101));
        turns.addAll(inst.captioning(data.captionTrain(), 1, seed + 102));
        for (InstructionData.Turn t : turns) {
            ChatSequences.Encoded e = sequences.turn(t.prompt(), t.answer(), true, true);
            boolean[] target = e.target().clone();
            if (t.multipleChoice() && target.length > 2) {
                target[target.length - 2] = false; // the letter: a text-only model cannot know it; the format it can
            }
            samples.add(new ChatSequences.Encoded(e.ids(), target, 0));
        }
    }

    /**
     * @param name a parameter name of {@link ChatStageModel}
     * @return whether the warm-up trains it (the LLM only)
     */
    public static boolean trains(String name) {
        return name.startsWith("language_model.");
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public NDArray loss(int[] idx, int step, NDManager batch, Map<String, Float> parts) {
        List<ChatSequences.Encoded> rows = new ArrayList<>();
        for (int i : idx) {
            rows.add(samples.get(i));
        }
        return sequences.loss(model.chat(), rows, null, batch);
    }
}
