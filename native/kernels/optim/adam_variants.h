// Adamax, NAdam and RAdam (torch.optim's rules): the per-step constants, computed once per call in
// float64 outside the element loop, for optimizer_step (optim.cc) to hand to the kernel slots.
#pragma once

#include "../elementwise.h"

namespace nntrain {

// h is the hyper vector of each kind (codes.h); t the 1-based step
AdamaxConsts adamax_consts(const double* h, double lr, double t);
NadamConsts nadam_consts(const double* h, double lr, double t);
RadamConsts radam_consts(const double* h, double lr, double t);

// prod_{i=1..t} mu_i with mu_i = b1 (1 - 0.5 * 0.96^(i psi)), NAdam's momentum schedule
double nadam_mu_product(double b1, double psi, double t);

}  // namespace nntrain
