package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the views answer when an implementation does not give the values the schedulers added. */
class SchedulingViewDefaultsTest {

    /** A context that leaves {@link SchedulingContext#sendWindow()} to its default. */
    private static SchedulingContext context(long remaining, SubflowView... subflows) {
        return new SchedulingContext() {
            @Override
            public long now() {
                return 0;
            }

            @Override
            public List<SubflowView> subflows() {
                return List.of(subflows);
            }

            @Override
            public long unsentBytes() {
                return 0;
            }

            @Override
            public long sendWindowRemaining() {
                return remaining;
            }
        };
    }

    @Test
    void theWholeWindowIsEstimatedAsWhatIsLeftPlusWhatTheSubflowsHaveOutstanding() {
        FakeSubflow a = new FakeSubflow("a", 10).outstanding(30_000, 10_000);
        FakeSubflow b = new FakeSubflow("b", 50).outstanding(5_000, 0);
        assertThat(context(100_000, a, b).sendWindow()).isEqualTo(145_000);
        assertThat(context(Long.MAX_VALUE, a, b).sendWindow()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void noRttVariationIsKnownByDefault() {
        SubflowView view = MinRttSchedulerTest.view(10, false, false, 100);
        assertThat((SubflowView) new DelegatingView(view)).extracting(SubflowView::rttVarNanos).isEqualTo(0L);
    }

    @Test
    void theMinimumRttIsTheSmoothedOneByDefault() {
        SubflowView view = MinRttSchedulerTest.view(10, false, false, 100);
        assertThat((SubflowView) new DelegatingView(view)).extracting(SubflowView::minRttNanos)
                .isEqualTo(view.smoothedRttNanos());
    }

    /** A view implementing only the abstract methods, as an implementation written before the addition. */
    private record DelegatingView(SubflowView inner) implements SubflowView {
        @Override
        public io.mptcp4j.core.tcp.TcpEndpoint local() {
            return inner.local();
        }

        @Override
        public io.mptcp4j.core.tcp.TcpEndpoint remote() {
            return inner.remote();
        }

        @Override
        public io.mptcp4j.core.tcp.TcpState state() {
            return inner.state();
        }

        @Override
        public int localId() {
            return 0;
        }

        @Override
        public int remoteId() {
            return 0;
        }

        @Override
        public boolean isBackup() {
            return inner.isBackup();
        }

        @Override
        public boolean isBackupRequestedByPeer() {
            return false;
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public boolean isStale() {
            return inner.isStale();
        }

        @Override
        public int sendableBytes() {
            return inner.sendableBytes();
        }

        @Override
        public long bytesInFlight() {
            return 0;
        }

        @Override
        public boolean isInitial() {
            return false;
        }

        @Override
        public long smoothedRttNanos() {
            return inner.smoothedRttNanos();
        }

        @Override
        public long congestionWindow() {
            return 0;
        }

        @Override
        public int sendMss() {
            return 0;
        }

        @Override
        public long bytesSent() {
            return 0;
        }

        @Override
        public long bytesAcked() {
            return 0;
        }

        @Override
        public long bytesReceived() {
            return 0;
        }

        @Override
        public long unsentBytes() {
            return 0;
        }

        @Override
        public long retransmittedSegments() {
            return 0;
        }
    }
}
