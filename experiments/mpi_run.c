#include "mpi_run.h"

#include <stdint.h>
#include <stdlib.h>

/* The largest piece one message carries: counts are ints. */
#define PIECE (1 << 30)

void mpi_run_blocks_free(GBytes **blocks, int size)
{
	int r;

	if (!blocks)
		return;
	for (r = 0; r < size; r++)
		if (blocks[r])
			g_bytes_unref(blocks[r]);
	g_free(blocks);
}

#ifdef SELSIM_MPI
#include <mpi.h>

bool mpi_run_built(void)
{
	return true;
}

bool mpi_run_start(int *rank, int *size)
{
	/* launched by mpirun (Open MPI, or a PMI launcher such as srun):
	 * a plain process never initialises MPI */
	if (!g_getenv("OMPI_COMM_WORLD_SIZE") && !g_getenv("PMI_SIZE") &&
	    !g_getenv("PMIX_RANK"))
		return false;
	MPI_Init(NULL, NULL);
	MPI_Comm_rank(MPI_COMM_WORLD, rank);
	MPI_Comm_size(MPI_COMM_WORLD, size);
	if (*size > 1)
		return true;
	MPI_Finalize();
	return false;
}

/* Sends or receives @len bytes in pieces of at most PIECE. */
static void transfer(void *p, size_t len, int peer, bool send)
{
	size_t off = 0;

	while (off < len) {
		int n = (int)MIN(len - off, (size_t)PIECE);

		if (send)
			MPI_Send((char *)p + off, n, MPI_BYTE, peer, 0,
				 MPI_COMM_WORLD);
		else
			MPI_Recv((char *)p + off, n, MPI_BYTE, peer, 0,
				 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		off += (size_t)n;
	}
}

GBytes **mpi_run_gather(const void *data, size_t len, int rank, int size)
{
	uint64_t mine = len, *lens = NULL;
	GBytes **out = NULL;
	int r;

	if (rank == 0)
		lens = g_new0(uint64_t, (size_t)size);
	MPI_Gather(&mine, 1, MPI_UINT64_T, lens, 1, MPI_UINT64_T, 0,
		   MPI_COMM_WORLD);
	if (rank != 0) {
		transfer((void *)data, len, 0, true);
		return NULL;
	}
	out = g_new0(GBytes *, (size_t)size);
	out[0] = g_bytes_new(data, len);
	for (r = 1; r < size; r++) {
		void *buf = g_malloc(lens[r] ? lens[r] : 1);

		transfer(buf, lens[r], r, false);
		out[r] = g_bytes_new_take(buf, lens[r]);
	}
	g_free(lens);
	return out;
}

int mpi_run_share_rc(int rc)
{
	MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
	return rc;
}

void mpi_run_finish(void)
{
	MPI_Finalize();
}

#else	/* without MPI: one process */

bool mpi_run_built(void)
{
	return false;
}

bool mpi_run_start(int *rank, int *size)
{
	*rank = 0;
	*size = 1;
	return false;
}

GBytes **mpi_run_gather(const void *data, size_t len, int rank, int size)
{
	GBytes **out = g_new0(GBytes *, 1);

	g_assert(rank == 0 && size == 1);
	out[0] = g_bytes_new(data, len);
	return out;
}

int mpi_run_share_rc(int rc)
{
	return rc;
}

void mpi_run_finish(void)
{
}

#endif
