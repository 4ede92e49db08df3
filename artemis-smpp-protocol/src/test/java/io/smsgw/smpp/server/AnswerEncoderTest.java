package io.smsgw.smpp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.smsgw.broker.testing.LogCapture;
import io.smsgw.smpp.codec.GenericNack;
import io.smsgw.smpp.codec.QuerySmResp;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.Tlvs;
import org.junit.jupiter.api.Test;

/**
 * The last resort behind the session's checks: an answer the codec refuses does not fail its write (which would close the
 * connection, and with it every other request of the ESME's window); the ESME gets generic_nack, the log an ERROR.
 */
class AnswerEncoderTest {

   @Test
   void anAnswerTheCodecRefusesGoesOutAsGenericNackWithAnErrorAndTheConnectionStays() {
      EmbeddedChannel channel = new EmbeddedChannel(new AnswerEncoder());
      try (LogCapture log = LogCapture.start()) {
         channel.writeAndFlush(new QuerySmResp(41, SmppStatus.ESME_RQUERYFAIL, "x".repeat(70), "", 0, 0)).syncUninterruptibly();
         channel.writeAndFlush(new SubmitSmResp(42, SmppStatus.ESME_ROK, "0123456789abcdef", Tlvs.EMPTY)).syncUninterruptibly();
         GenericNack nack = assertInstanceOf(GenericNack.class, decode(channel.readOutbound()));
         assertEquals(41, nack.sequenceNumber());
         assertEquals(SmppStatus.ESME_RSYSERR, nack.commandStatus());
         assertEquals(42, assertInstanceOf(SubmitSmResp.class, decode(channel.readOutbound())).sequenceNumber());
         assertTrue(channel.isActive());
         assertEquals(1, log.count("ERROR", "could not be encoded", "message_id"), "one line naming the refused field");
      } finally {
         channel.finishAndReleaseAll();
      }
   }

   private static io.smsgw.smpp.codec.SmppPdu decode(ByteBuf buf) {
      try {
         return SmppCodec.decode(buf);
      } finally {
         buf.release();
      }
   }
}
