package io.smsgw.broker;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an SMPP or CMPP pipeline: hands decoded PDUs to the connection's session on the event
 * loop. It does not pass them on to the broker's own handler; connection close still travels on, so the
 * broker removes the connection from management.
 *
 * @param <P> the protocol's PDU type
 */
public final class PduChannelHandler<P> extends ChannelInboundHandlerAdapter {

   private static final Logger logger = LoggerFactory.getLogger(PduChannelHandler.class);

   private final Class<P> pduType;
   private final String protocol;
   private PduHandler<P> session;

   public PduChannelHandler(Class<P> pduType, String protocol) {
      this.pduType = pduType;
      this.protocol = protocol;
   }

   /** Called once the broker created the connection, before any PDU is read. */
   public void attach(PduHandler<P> session) {
      this.session = session;
   }

   @Override
   public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
         if (session != null && pduType.isInstance(msg)) {
            session.onPdu(pduType.cast(msg));
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
      logger.warn("Closing {} connection from {} after an error: {}", protocol, ctx.channel().remoteAddress(), cause.toString());
      logger.debug("{} connection error", protocol, cause);
      ctx.close();
   }
}
