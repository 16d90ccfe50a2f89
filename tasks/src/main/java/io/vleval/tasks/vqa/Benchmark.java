package io.vleval.tasks.vqa;

/** The VQA-family benchmarks, and the sample attributes their tasks read. */
public enum Benchmark {
  VQAV2("vqav2"),
  TEXTVQA("textvqa"),
  VIZWIZ("vizwiz"),
  GQA("gqa");

  /** TextVQA's OCR tokens, joined by {@code ", "}. */
  public static final String OCR_TOKENS = "ocr_tokens";

  /** The image id (TextVQA's {@code image_id}, GQA's {@code imageId}). */
  public static final String IMAGE_ID = "image_id";

  /** VizWiz's {@code answerable} flag ({@code 0} or {@code 1}). */
  public static final String ANSWERABLE = "answerable";

  /** GQA's structural type ({@code types.structural}). */
  public static final String STRUCTURAL = "structural";

  /** GQA's semantic type ({@code types.semantic}). */
  public static final String SEMANTIC = "semantic";

  private final String type;

  Benchmark(String type) {
    this.type = type;
  }

  /** The task type name. */
  public String type() {
    return type;
  }
}
