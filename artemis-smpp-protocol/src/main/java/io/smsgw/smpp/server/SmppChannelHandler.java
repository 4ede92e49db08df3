package io.smsgw.smpp.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.smsgw.smpp.codec.SmppPdu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an SMPP pipeline: hands decoded PDUs to the connection's {@link SmppSession} on the
 * event loop. It does not pass them on to the broker's own handler; connection close still travels on, so
 * the broker removes the connection from management.
 */
final class SmppChannelHandler extends ChannelInboundHandlerAdapter {

   private static final Logger logger = LoggerFactory.getLogger(SmppChannelHandler.class);

   private SmppSession session;

   void attach(SmppSession session) {
      this.session = session;
   }

   @Override
   public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
         if (msg instanceof SmppPdu pdu && session != null) {
            session.onPdu(pdu);
         }
      } finally {
         ReferenceCountUtil.release(msg);
      }
   }

   @Override
   public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (session != null) {
         session.onChannelClosed();
      }
      super.channelInactive(ctx);
   }

   @Override
   public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      logger.warn("Closing SMPP connection from {} after an error: {}", ctx.channel().remoteAddress(), cause.toString());
      logger.debug("SMPP connection error", cause);
      ctx.close();
   }
}
