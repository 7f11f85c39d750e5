/*
 * The optional MPI build (CMake finds MPI: SELSIM_MPI, on when found):
 * `mpirun -n K selsim run SPEC.json` runs shard r of K (run --shard) on
 * rank r, sends each rank's partial (its journal's bytes, journal.h) to
 * rank 0, which merges them as `selsim merge` does and writes the one
 * results folder. Without MPI these are stubs: every process is alone.
 */
#ifndef EXPERIMENTS_MPI_RUN_H
#define EXPERIMENTS_MPI_RUN_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether selsim was built with MPI. */
bool mpi_run_built(void);

/* When this process is one of several ranks that mpirun started (and
 * selsim is built with MPI): initialises MPI, sets *@rank and *@size and
 * returns true; then call mpi_run_finish() before exiting. Otherwise
 * false: a plain process. */
bool mpi_run_start(int *rank, int *size);

/* Sends @len bytes at @data to rank 0. On rank 0 returns @size byte
 * blocks, entry r from rank r (caller frees with mpi_run_blocks_free());
 * NULL on the other ranks. */
GBytes **mpi_run_gather(const void *data, size_t len, int rank, int size);

void mpi_run_blocks_free(GBytes **blocks, int size);

/* Shares rank 0's exit code @rc with every rank; returns it. */
int mpi_run_share_rc(int rc);

void mpi_run_finish(void);

#endif
