// The usage example quoted in README.md (between the markers): it must compile and run.
// doc:begin readme-usage
#include <bachprop/bachprop.hpp>
#include <iostream>

int main() {
  using namespace bachprop;
  Matrix<float> x(2, 4), y(1, 4);  // one column per sample: the XOR truth table
  x << 0, 0, 1, 1,
       0, 1, 0, 1;
  y << 0, 1, 1, 0;
  Network net{Dense(2, 3), Sigmoid(), Dense(3, 1), Sigmoid()};
  net.initialise(/*seed=*/1);
  Sgd<float> sgd(4.0);  // learning rate η of equation (13)
  train(net, Quadratic<float>(), sgd, x, y, {.epochs = 4000, .batch_size = 4, .seed = 1});
  std::cout << net.forward(x) << '\n';  // close to 0 1 1 0
  save_model(net, "xor.json");
}
// doc:end readme-usage
