package io.vleval.serve.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.model.GenerationSettings;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** How request bodies become chat calls, and the one-line 400s for what the model cannot take. */
class RequestReaderTest {

  private final RequestReader reader =
      new RequestReader(64, ImageDecoder.create().withMaxPixels(100 * 100), 1 << 20);

  private ChatCall read(String json) {
    return reader.read(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private ApiError refused(String json) {
    try {
      read(json);
    } catch (ApiError e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception");
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  private static String dataUrl(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    image.setRGB(1, 0, 0xFF8040);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }

  @Test
  void aStringContentIsThePromptAndSettingsDefaultToGreedyWithTheServersLimit() {
    ChatCall call = read("{'model':'m','messages':[{'role':'user','content':'Hello?'}]}");
    assertThat(call.model()).isEqualTo("m");
    assertThat(call.prompt()).isEqualTo("Hello?");
    assertThat(call.image()).isNull();
    assertThat(call.settings()).isEqualTo(GenerationSettings.greedy(64));
    assertThat(call.request().choices()).isEmpty();
  }

  @Test
  void contentPartsJoinTheirTextsAndCarryOneDecodedImage() throws IOException {
    String url = dataUrl(7, 5);
    ChatCall call =
        read(
            "{'model':'m','max_tokens':9,'min_tokens':1,'temperature':0,'n':1,'stream':false,"
                + "'top_p':1,'seed':3,'user':'u','messages':[{'role':'user','content':["
                + "{'type':'text','text':'first'},"
                + "{'type':'image_url','image_url':{'url':'"
                + url
                + "','detail':'high'}},"
                + "{'type':'text','text':'second'}]}]}");
    assertThat(call.prompt()).isEqualTo("first\nsecond");
    RgbImage image = call.image();
    assertThat(image.width()).isEqualTo(7);
    assertThat(image.height()).isEqualTo(5);
    assertThat(image.rgb()[3]).isEqualTo((byte) 0xFF);
    assertThat(call.settings()).isEqualTo(new GenerationSettings(1, 1, 9, 1.0));
  }

  @Test
  void maxCompletionTokensIsReadAndMustAgreeWithMaxTokens() {
    String msgs = "'messages':[{'role':'user','content':'x'}]";
    assertThat(read("{'model':'m','max_completion_tokens':12," + msgs + "}").settings())
        .isEqualTo(GenerationSettings.greedy(12));
    assertThat(read("{'model':'m','max_completion_tokens':12,'max_tokens':12," + msgs + "}"))
        .extracting(c -> c.settings().maxNewTokens())
        .isEqualTo(12);
    assertThat(refused("{'model':'m','max_completion_tokens':12,'max_tokens':13," + msgs + "}"))
        .hasMessageContaining("disagree");
    ApiError over = refused("{'model':'m','max_tokens':65," + msgs + "}");
    assertThat(over.param()).isEqualTo("max_tokens");
    assertThat(over).hasMessageContaining("limit of 64").hasMessageContaining("--max-tokens");
    assertThat(refused("{'model':'m','max_tokens':0," + msgs + "}").param())
        .isEqualTo("max_tokens");
    assertThat(refused("{'model':'m','max_tokens':2.5," + msgs + "}").param())
        .isEqualTo("max_tokens");
    assertThat(refused("{'model':'m','max_tokens':4,'min_tokens':5," + msgs + "}").param())
        .isEqualTo("min_tokens");
  }

  @Test
  void whatGreedyDecodingCannotHonourIsRefusedNamingTheArgument() {
    String msgs = "'messages':[{'role':'user','content':'x'}]";
    for (String arg :
        new String[] {
          "'temperature':0.2",
          "'n':3",
          "'stream':true",
          "'stop':['\\n']",
          "'presence_penalty':0.5",
          "'logprobs':true",
          "'logit_bias':{'1':2}",
          "'response_format':{'type':'json_object'}",
          "'tools':[{'type':'function'}]",
          "'bogus':1"
        }) {
      ApiError e = refused("{'model':'m'," + arg + "," + msgs + "}");
      String key = arg.substring(1, arg.indexOf('\'', 1));
      assertThat(e.param()).as(arg).isEqualTo(key);
    }
    // neutral values are accepted
    read("{'model':'m','stop':[],'presence_penalty':0,'logprobs':false,'tools':null," + msgs + "}");
  }

  @Test
  void systemMessagesHistoryAndSecondImagesAreRefusedWithTheirPlace() throws IOException {
    assertThat(
            refused(
                "{'model':'m','messages':[{'role':'system','content':'be brief'},"
                    + "{'role':'user','content':'x'}]}"))
        .hasMessageContaining("system message")
        .extracting(ApiError::param)
        .isEqualTo("messages[0]");
    assertThat(
            refused(
                "{'model':'m','messages':[{'role':'user','content':'a'},"
                    + "{'role':'assistant','content':'b'},{'role':'user','content':'c'}]}"))
        .hasMessageContaining("multi-turn")
        .extracting(ApiError::param)
        .isEqualTo("messages[1]");
    String url = dataUrl(4, 4);
    ApiError twice =
        refused(
            "{'model':'m','messages':[{'role':'user','content':["
                + "{'type':'image_url','image_url':{'url':'"
                + url
                + "'}},{'type':'image_url','image_url':{'url':'"
                + url
                + "'}}]}]}");
    assertThat(twice.param()).isEqualTo("messages[0].content[1]");
    assertThat(twice).hasMessageContaining("at most one image");
  }

  @Test
  void badImagesAreRefusedNamingThePartAndTheProblem() throws IOException {
    String head = "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url',";
    ApiError remote = refused(head + "'image_url':{'url':'http://example.com/a.png'}}]}]}");
    assertThat(remote.code()).isEqualTo("remote_image_url");
    assertThat(remote.param()).isEqualTo("messages[0].content[0].image_url.url");
    assertThat(refused(head + "'image_url':{'url':'data:text/plain;base64,aGk='}}]}]}").code())
        .isEqualTo("invalid_image_url");
    assertThat(refused(head + "'image_url':{'url':'data:image/png;base64,@@@'}}]}]}"))
        .hasMessageContaining("invalid base64");
    // GIF bytes: the project's decoder names the format it does not read
    String gif =
        Base64.getEncoder().encodeToString("GIF89a\1\0\1\0".getBytes(StandardCharsets.US_ASCII));
    assertThat(refused(head + "'image_url':{'url':'data:image/gif;base64," + gif + "'}}]}]}"))
        .hasMessageContaining("a GIF image, which is not read")
        .extracting(ApiError::code)
        .isEqualTo("invalid_image");
    ApiError large = refused(head + "'image_url':{'url':'" + dataUrl(101, 100) + "'}}]}]}");
    assertThat(large).hasMessageContaining("101x100").hasMessageContaining("10000 px in all");
  }

  @Test
  void malformedJsonAndMissingFieldsSayWhere() {
    ApiError json = refused("{'model':'m',");
    assertThat(json.code()).isEqualTo("invalid_json");
    assertThat(json).hasMessageContaining("line 1");
    assertThat(refused("[1]")).hasMessageContaining("JSON object");
    assertThat(refused("{'messages':[]}").param()).isEqualTo("model");
    assertThat(refused("{'model':'m','messages':[]}").param()).isEqualTo("messages");
    assertThat(refused("{'model':'m','model':'n','messages':[]}").code()).isEqualTo("invalid_json");
    assertThat(refused("{'model':'m','messages':[{'role':'user'}]}").param())
        .isEqualTo("messages[0].content");
    assertThat(refused("{'model':'m','messages':[{'role':'user','content':[]}]}"))
        .hasMessageContaining("no text and no image");
    assertThat(
            refused("{'model':'m','messages':[{'role':'user','content':[{'type':'audio'}]}]}")
                .param())
        .isEqualTo("messages[0].content[0].type");
    assertThatThrownBy(() -> reader.read(new byte[0])).isInstanceOf(ApiError.class);
  }
}
