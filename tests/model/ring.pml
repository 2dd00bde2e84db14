/*
 * Promela model of the kshm ring index protocol (core/ring.c,
 * include/kshm/ring.h), checked exhaustively by spin for a small ring.
 *
 * Units are 8-byte words; the data area has N of them; a record takes 1 or
 * 2 units (header + payload), at most N/2 as in kshm_ring_max_payload(), and
 * never wraps: a PAD record fills the end of the area instead. Positions are
 * free-running counters. Promela is sequentially consistent, so this checks
 * the index logic (what may be written and read, and when), not the memory
 * barriers, which the ThreadSanitizer tests exercise.
 *
 * Honest consumer (default), checked:
 *   - every record arrives once, in order, with its own contents (no loss,
 *     no duplicate, no read of uncommitted or stale data);
 *   - the producer never writes a unit the consumer has not released;
 *   - the consumer never reads a unit that is not committed.
 * Hostile consumer (-DHOSTILE): the consumer's position is written with
 * arbitrary values at any time; checked: the producer only ever writes
 * inside the window the last position it accepted allows, never publishes a
 * position that goes backwards, and always terminates.
 */

#ifndef N
#define N 4		/* data units, a power of two */
#endif
#ifndef M
#define M 5		/* records the producer sends */
#endif
#define MAXREC (N / 2)

#define FREE      0
#define RESERVED  1
#define COMMITTED 2

byte prod_pos;		/* shared: producer.pos */
byte cons_pos;		/* shared: consumer.pos */
byte data_seq[N];	/* what a unit holds: record sequence number */
bool data_pad[N];	/* header unit of a PAD record */
byte data_len[N];	/* header unit: record length in units */
byte state[N];		/* ghost: FREE, RESERVED (written, unpublished), COMMITTED */

/* Producer private state (struct kshm_ring on the producer side). */
byte p_pos;		/* end of reserved records */
byte p_published;
byte p_other;		/* consumer position as last accepted */
bool producer_done;

inline mark(first, units, from_state, to_state) {
	j = 0;
	do
	:: j < units ->
		/* the unit must be in from_state: nobody else's data is overwritten */
		assert(state[(first + j) % N] == from_state);
		state[(first + j) % N] = to_state;
		j++
	:: else -> break
	od
}

proctype producer()
{
	byte seq = 0, size, to_end, pad, cons, j;
	bool room;

	do
	:: seq == M -> break
	:: seq < M ->
		if
		:: size = 1
		:: size = MAXREC
		fi;
		to_end = N - (p_pos % N);
		pad = (size > to_end -> to_end : 0);
		room = (p_pos + pad + size - p_other <= N);
		if
		:: !room ->
			/* refresh_consumer_pos(): read once, check, accept */
			cons = cons_pos;
			if
			:: ((p_published - cons) & 255) > N ->
				/* KSHM_ERR_RANGE: impossible position, write nothing */
#ifndef HOSTILE
				assert(false);	/* an honest consumer never gets here */
#endif
				goto stop
			:: else ->
				p_other = cons;
				room = (p_pos + pad + size - p_other <= N)
			fi
		:: else -> skip
		fi;
		if
		:: !room ->
			/* KSHM_ERR_QUOTA: publish what we have, try again later */
			if
			:: p_pos != p_published ->
				atomic { prod_pos = p_pos; p_published = p_pos;
					 j = 0;
					 do
					 :: j < N -> if :: state[j] == RESERVED -> state[j] = COMMITTED :: else -> skip fi; j++
					 :: else -> break
					 od }
			:: else -> skip
			fi
		:: room ->
			/* only inside the window the accepted position allows */
			assert(p_pos + pad + size - p_other <= N);
#ifndef HOSTILE
			if
			:: pad > 0 ->
				mark(p_pos % N, pad, FREE, RESERVED);
				data_pad[p_pos % N] = true;
				data_len[p_pos % N] = pad;
				p_pos = p_pos + pad
			:: else -> skip
			fi;
			mark(p_pos % N, size, FREE, RESERVED);
#else
			p_pos = p_pos + pad;
#endif
			data_pad[p_pos % N] = false;
			data_len[p_pos % N] = size;
			j = 0;
			do
			:: j < size -> data_seq[(p_pos + j) % N] = seq; j++
			:: else -> break
			od;
			p_pos = p_pos + size;
			seq++;
			/* commit now or batch with the next record */
			if
			:: true ->
				atomic { assert(p_pos >= p_published);
					 prod_pos = p_pos; p_published = p_pos;
					 j = 0;
					 do
					 :: j < N -> if :: state[j] == RESERVED -> state[j] = COMMITTED :: else -> skip fi; j++
					 :: else -> break
					 od }
			:: seq < M -> skip
			fi
		fi
	od;
	/* final commit */
	atomic { prod_pos = p_pos; p_published = p_pos;
		 j = 0;
		 do
		 :: j < N -> if :: state[j] == RESERVED -> state[j] = COMMITTED :: else -> skip fi; j++
		 :: else -> break
		 od };
stop:
	producer_done = true
}

#ifndef HOSTILE
proctype consumer()
{
	byte c_pos = 0, c_other = 0, expect_seq = 0, rlen, j, released = 0;

	do
	:: expect_seq == M -> break
	:: expect_seq < M ->
		if
		:: c_pos == c_other ->
			/* refresh_producer_pos(): read once, check */
			c_other = prod_pos;
			assert(((c_other - c_pos) & 255) <= N)
		:: else -> skip
		fi;
		if
		:: c_pos == c_other -> skip	/* empty: poll again */
		:: c_pos != c_other ->
			assert(state[c_pos % N] == COMMITTED);
			rlen = data_len[c_pos % N];
			assert(rlen >= 1 && rlen <= N - (c_pos % N) && rlen <= c_other - c_pos);
			if
			:: data_pad[c_pos % N] -> assert(rlen == N - (c_pos % N))
			:: else ->
				j = 0;
				do
				:: j < rlen ->
					assert(state[(c_pos + j) % N] == COMMITTED);
					assert(data_seq[(c_pos + j) % N] == expect_seq);
					j++
				:: else -> break
				od;
				expect_seq++
			fi;
			c_pos = c_pos + rlen;
			/* release now, or after more records (batching) */
			if
			:: true ->
				atomic { j = released;
					 do
					 :: j != c_pos -> state[j % N] = FREE; j++
					 :: else -> break
					 od;
					 released = c_pos;
					 cons_pos = c_pos }
			:: c_pos != c_other -> skip
			fi
		fi
	od;
	/* nothing more than the M records */
	assert(expect_seq == M)
}
#else
proctype hostile_consumer()
{
	do
	:: producer_done -> break
	:: cons_pos = 0
	:: cons_pos = N / 2
	:: cons_pos = N
	:: cons_pos = 2 * N
	:: cons_pos = prod_pos
	:: cons_pos = prod_pos + 1
	:: cons_pos = 255
	od
}
#endif

init {
	atomic {
		run producer();
#ifndef HOSTILE
		run consumer()
#else
		run hostile_consumer()
#endif
	}
}
