// Trains XOR with the library as a consumer sees it; exits 0 only if it learned. Prints the
// version of the headers (the package checks compare it with the project's).
#include <bachprop/bachprop.hpp>
#include <bachprop/version.hpp>

#include <iostream>

static_assert(BACHPROP_VERSION ==
              BACHPROP_VERSION_MAJOR * 10000 + BACHPROP_VERSION_MINOR * 100 +
                  BACHPROP_VERSION_PATCH);

int main() {
  using namespace bachprop;
  Matrix<float> x(2, 4);
  Matrix<float> y(1, 4);
  x << 0, 0, 1, 1,
       0, 1, 0, 1;
  y << 0, 1, 1, 0;
  Network net{Dense(2, 3), Sigmoid(), Dense(3, 1), Sigmoid()};
  net.initialise(1);
  Sgd<float> sgd(4.0);
  train(net, Quadratic<float>(), sgd, x, y, {.epochs = 4000, .batch_size = 4, .seed = 1});
  const double accuracy = binary_accuracy(net.forward(x), y);
  std::cout << "consumer: bachprop " << BACHPROP_VERSION_STRING << ", XOR accuracy "
            << accuracy * 100 << "%\n";
  return accuracy == 1.0 ? 0 : 1;
}
